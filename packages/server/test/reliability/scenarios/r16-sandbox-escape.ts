/**
 * R16: sandbox escape. A real server (bubblewrap, network off) with a canary variable and
 * SESSION_API_KEY in its environment; canary files in its data directory and beside the workspaces;
 * two conversations. In A, through the user's `run` action over REST (the stock UI's terminal),
 * every escape of sandbox-escape-attempts.ts, then a command ignoring SIGTERM and a stop. After each
 * attempt: A's answer is a clear observation as promised, the server's health endpoint answers, and
 * B's simple command runs with the right output. At the end: no canary, key or secret in any event,
 * frame or log line; the host's files unchanged; nothing connected to the scenario's listener; no
 * process of the sandbox user left; deleting A's workspace follows none of its links.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { workspaceIdFor } from '../../../src/conversations/conversation-workspace.js';
import { buildResult, formatFigure } from '../build-result.js';
import { ConversationTerminal, type TerminalAnswer } from '../conversation-terminal.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation } from '../rest-client.js';
import { escapeAttempts } from '../sandbox-escape-attempts.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import {
  existsOnHost,
  hostSnapshot,
  leakCheck,
  processesGone,
  readdirSafe,
  watchV1Frames,
} from '../sandbox-host-checks.js';

const mebibyte = 1024 * 1024;
const fileSizeCapBytes = 8 * mebibyte;
const outputCapBytes = mebibyte;

export const sandboxEscape: Scenario = {
  id: 'R16',
  title: 'sandbox escape',
  databases: ['sqlite'],
  needsBubblewrap: true,
  async run(context) {
    const environment = await ScenarioEnvironment.create(context.database);
    const token = () => randomBytes(12).toString('hex');
    const sessionApiKey = `r16-session-${token()}`;
    const environmentCanary = `r16-env-${token()}`;
    const temporaryName = `r16-pwned-${token()}`;
    const connections: string[] = [];
    const listener = createServer((socket) => {
      connections.push(socket.remoteAddress ?? '?');
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const closers: (() => void)[] = [];
    try {
      // The sandbox user must traverse down to the workspaces; every canary is world-readable,
      // so only the sandbox keeps commands away from it.
      chmodSync(environment.directory, 0o711);
      const workspacesRoot = join(environment.dataDirectory, 'workspaces');
      mkdirSync(workspacesRoot, { recursive: true, mode: 0o711 });
      chmodSync(environment.dataDirectory, 0o711);
      const dataCanaryPath = join(environment.dataDirectory, 'r16-canary.txt');
      const rootCanaryPath = join(workspacesRoot, 'r16-canary.txt');
      const canaries = {
        'data directory canary': `r16-data-canary-${token()}`,
        'workspaces root canary': `r16-root-canary-${token()}`,
        "B's workspace canary": `r16-b-canary-${token()}`,
      };
      writeFileSync(dataCanaryPath, canaries['data directory canary'], { mode: 0o644 });
      writeFileSync(rootCanaryPath, canaries['workspaces root canary'], { mode: 0o644 });
      // Its own host uid (when Parley is root), so the fork bomb's process limit binds no other
      // sandbox on this machine, and what is left of it can be counted.
      const sandboxUid = 40_000 + (process.pid % 20_000);
      const server = await environment.startServer({
        SESSION_API_KEY: sessionApiKey,
        R16_SERVER_CANARY: environmentCanary,
        PARLEY_SANDBOX_USER: `${sandboxUid}:${sandboxUid}`,
        PARLEY_SANDBOX_PROCESSES: '256',
        PARLEY_SANDBOX_FILE_SIZE_BYTES: String(fileSizeCapBytes),
        PARLEY_SANDBOX_OUTPUT_BYTES: String(outputCapBytes),
        PARLEY_SANDBOX_TIMEOUT_MS: '20000',
      });
      const options = { sessionApiKey };
      const first = await createConversation(server.url, {}, options);
      const second = await createConversation(server.url, {}, options);
      const a = await ConversationTerminal.open(server.url, first, sessionApiKey);
      closers.push(() => a.close());
      const b = await ConversationTerminal.open(server.url, second, sessionApiKey);
      closers.push(() => b.close());
      const frames: string[] = [];
      closers.push(watchV1Frames(server.url, first, sessionApiKey, frames));
      closers.push(watchV1Frames(server.url, second, sessionApiKey, frames));

      // B's workspace exists once B ran a command; its canary is written from the host.
      const bWorkspace = join(workspacesRoot, workspaceIdFor(second));
      const aWorkspace = join(workspacesRoot, workspaceIdFor(first));
      const warmUp = await b.run('echo r16-b-ready');
      if (warmUp.content !== 'r16-b-ready\n') throw new Error(`B: ${JSON.stringify(warmUp)}`);
      writeFileSync(join(bWorkspace, 'b-canary.txt'), canaries["B's workspace canary"], {
        mode: 0o644,
      });
      const secretsKeyPath = join(environment.dataDirectory, 'secrets.key');
      const secrets: Record<string, string> = {
        ...canaries,
        'secrets key file': readFileSync(secretsKeyPath, 'utf8').trim(),
        SESSION_API_KEY: sessionApiKey,
        'server environment canary': environmentCanary,
      };
      const before = hostSnapshot(environment.dataDirectory, [
        dataCanaryPath,
        rootCanaryPath,
        secretsKeyPath,
        join(bWorkspace, 'b-canary.txt'),
        '/etc/shadow',
      ]);
      const attempts = escapeAttempts({
        dataDirectory: environment.dataDirectory,
        dataCanaryPath,
        rootCanaryPath,
        secretsKeyPath,
        otherWorkspaceId: workspaceIdFor(second),
        listenerPort: (listener.address() as { port: number }).port,
        serverPort: Number(new URL(server.url).port),
        fileSizeCapBytes,
        outputCapBytes,
        temporaryName,
      });
      const repetitions = context.profile === 'full' ? 3 : 1;
      const problems: string[] = [];
      const answers: string[] = [];
      const afterEach: string[] = [];
      let health = 0;
      let bRuns = 0;
      const checkServerAndB = async (label: string) => {
        const alive = await a.call('GET', '/health');
        if (alive.status === 200) health++;
        else afterEach.push(`${label}: /health answered ${alive.status}`);
        const expected = `r16-b-${++bRuns}`;
        const answer = await b.run(`echo ${expected}`);
        if (answer.content !== `${expected}\n` || answer.exitCode !== 0) {
          afterEach.push(`${label}: B got ${JSON.stringify(answer.content.slice(0, 200))}`);
        }
      };
      let attempted = 0;
      for (let repetition = 0; repetition < repetitions; repetition++) {
        for (const attempt of attempts) {
          context.progress(`A: ${attempt.name}`);
          attempted++;
          const answer = await a.run(attempt.command);
          const problem = attempt.judge(answer);
          if (problem !== undefined) problems.push(`${attempt.name}: ${problem}`);
          if (repetition === 0) answers.push(summariseAnswer(attempt.name, answer));
          if (a.latestState() !== 'awaiting_user_input') {
            problems.push(`${attempt.name}: A's state is ${a.latestState()}`);
          }
          await checkServerAndB(attempt.name);
        }
      }

      // The watchers' connections held through every attempt (a stop closes its conversation's).
      const dropped = [
        ...a.disconnects.map((reason) => `A ${reason}`),
        ...b.disconnects.map((reason) => `B ${reason}`),
      ];

      // A command that ignores SIGTERM, then the user's stop: the stop ends it at once (SIGKILL
      // after the grace), `stopped` is logged, and after a start A's terminal works again.
      context.progress('A: a command ignoring SIGTERM, then a stop');
      attempted++;
      const sleeper = `600.${Date.now() % 1_000_000}`;
      const stubborn = await a.send(`trap '' TERM; echo r16-ready; sleep ${sleeper}`);
      await a.untilStreamed(stubborn, 'r16-ready');
      const stopAt = performance.now();
      const stop = await a.call('POST', `/api/conversations/${first}/stop`);
      const stopMs = performance.now() - stopAt;
      const stopped = await a.untilState('stopped', stubborn.id).then(
        () => true,
        () => false,
      );
      const sleeperGone = await processesGone(`sleep ${sleeper}`, 10_000);
      const goneMs = performance.now() - stopAt;
      const stubbornAnswer = a.events.find(
        (event) => event['cause'] === stubborn.id && 'observation' in event,
      );
      const restart = await a.call('POST', `/api/conversations/${first}/start`, {});
      const again = await a.run('echo r16-a-again');
      await checkServerAndB('the stop');
      // Nothing of the sandbox user is left once every command has ended.
      const leftovers = process.getuid?.() === 0 ? await processesGone(sandboxUid, 10_000) : true;

      const after = hostSnapshot(environment.dataDirectory, Object.keys(before.files));
      const aFiles = readdirSafe(aWorkspace);
      const leftInTmp = existsOnHost(`/tmp/${temporaryName}`);
      await a.readNew();
      const deleted = await a.call('DELETE', `/api/conversations/${first}`);
      const afterDelete = hostSnapshot(environment.dataDirectory, Object.keys(before.files));
      for (const close of closers.splice(0)) close();
      await b.readNew();
      await server.stop('SIGTERM');
      const stored = await environment.readLogs();
      const places = {
        "A's events": JSON.stringify(a.events),
        "B's events": JSON.stringify(b.events),
        'Socket.IO frames': [...a.frames, ...b.frames].join('\n'),
        'V1 frames': frames.join('\n'),
        'log lines': server.output,
      };
      const bounds: BoundCheck[] = [
        {
          name: 'each attempt ended in a clear observation, as promised',
          pass: problems.length === 0,
          detail: problems.length === 0 ? `${attempted - 1} attempts` : problems.join('; '),
        },
        {
          name: 'server unharmed and B unaffected after each attempt',
          pass: afterEach.length === 0 && health === bRuns && dropped.length === 0,
          detail:
            afterEach.length === 0
              ? `/health 200 ×${health}; B's echo right ×${bRuns}; Socket.IO watchers dropped: ${dropped.join(', ') || 'none'}`
              : afterEach.join('; '),
        },
        {
          name: 'a command ignoring SIGTERM ends with the stop',
          pass: stop.status === 200 && stopped && sleeperGone,
          detail:
            `stop ${stop.status} after ${formatFigure(stopMs)} ms, stopped logged: ${stopped}, ` +
            `process gone: ${sleeperGone} (${formatFigure(goneMs)} ms after the stop; kill grace 2000 ms); ` +
            `the action's observation: ${String(stubbornAnswer?.['observation'] ?? 'none')}`,
        },
        {
          name: "A's terminal works after a start",
          pass: restart.status === 200 && again.content === 'r16-a-again\n',
          detail: `start ${restart.status}, ${JSON.stringify(again.content)}`,
        },
        ...leakCheck(secrets, places),
        ...before.compare(after, 'host files unchanged'),
        ...before.compare(afterDelete, 'host files unchanged after deleting A'),
        {
          name: 'nothing reached the listener; no file in the host /tmp',
          pass: connections.length === 0 && !leftInTmp,
          detail: `${connections.length} connections; /tmp/${temporaryName} ${leftInTmp ? 'written' : 'absent'}`,
        },
        {
          name: 'no hard link made; the fill capped; no process left',
          pass:
            !aFiles.names.some((name) => name.startsWith('hard-')) &&
            aFiles.size('fill.bin') <= fileSizeCapBytes &&
            leftovers,
          detail:
            `A's workspace: ${aFiles.names.join(' ')}; fill.bin ${aFiles.size('fill.bin')} bytes; ` +
            `sandbox user's processes left: ${leftovers ? 'none' : 'some'}; delete ${deleted.status}`,
        },
      ];
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored,
        faults: attempted,
        bounds,
        notes: [`A's answers (exit code, last line of output): ${answers.join('; ')}`],
        extraOperations: a.requests + b.requests,
      });
    } finally {
      for (const close of closers) close();
      rmSync(`/tmp/${temporaryName}`, { force: true });
      await new Promise((resolve) => listener.close(resolve));
      await environment.cleanup();
    }
  },
};

/** An answer in a few words: its exit code and the last line of its output, shortened. */
function summariseAnswer(name: string, answer: TerminalAnswer): string {
  const lines = answer.content.trim().split('\n');
  const last = (lines.at(-1) ?? '').slice(0, 80).replaceAll('`', "'");
  return `${name} → ${answer.exitCode ?? answer.observation['observation']} \`${last}\``;
}
