import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { interruptedReason } from '../../../src/conversations/interrupted-conversations.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';
import { createTestConfig } from '../../support/test-config.js';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '../../../../..');
const childScript = join(here, '../../support/agent-server-child.ts');
const cycles = 3;

interface KilledRun {
  conversationId: string;
  /** Ids whose commit the child reported before it died. */
  committed: number[];
}

/** Runs the child until it has committed `deltas` streaming deltas of the turn, then SIGKILLs it. */
function runUntilKilled(
  dataDirectory: string,
  llm: FakeLlmServer,
  deltas: number,
  children: ChildProcess[],
): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, dataDirectory, llm.baseUrl],
      {
        cwd: repositoryRoot,
        env: { ...process.env, TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let conversationId: string | undefined;
    const committed: number[] = [];
    let deltasSeen = 0;
    let pending = '';
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value, kind] = line.split(' ');
        if (word === 'conversation') conversationId = value;
        if (word === 'committed') {
          committed.push(Number(value));
          if (kind === 'delta') deltasSeen += 1;
        }
      }
      if (deltasSeen >= deltas && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL' || conversationId === undefined) {
        reject(new Error(`child ended without being killed mid-turn: ${signal}\n${errors}`));
        return;
      }
      resolve({ conversationId, committed });
    });
  });
}

describe('crash recovery: SIGKILL in the middle of a streamed turn (R1)', () => {
  const children: ChildProcess[] = [];
  const apps: App[] = [];
  let llm: FakeLlmServer | undefined;
  let dataDirectory: string | undefined;
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const app of apps.splice(0)) await app.close();
    await llm?.close();
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('loses nothing, marks the cut turn as interrupted once, and the conversation continues', async () => {
    llm = await startFakeLlmServer({
      defaultBehaviour: { kind: 'reply', text: 'word '.repeat(400), chunkDelayMs: 5 },
    });
    dataDirectory = mkdtempSync(join(tmpdir(), 'parley-agent-crash-'));
    for (let cycle = 0; cycle < cycles; cycle++) {
      const run = await runUntilKilled(dataDirectory, llm, 2 + cycle * 3, children);
      const config = createTestConfig({
        PARLEY_DATA_DIR: dataDirectory,
        LLM_MODEL: 'openai/gpt-test',
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: 'sk-test-key',
        PARLEY_TITLE_FROM_LLM: 'false',
      });
      const app = await createApp(config, { logger: createSilentLogger() });
      apps.push(app);
      const events = (await app.eventStore.search(run.conversationId)).events;
      const ids = events.map((event) => event.id);
      expect(ids).toEqual(ids.map((_id, index) => index));
      for (const id of run.committed) expect(ids).toContain(id);
      expect(events.filter((event) => 'streaming_delta' in event).length).toBeGreaterThanOrEqual(2);
      const states = events.filter(
        (event) => 'observation' in event && event.observation === 'agent_state_changed',
      ) as (StoredEvent & { extras: { agent_state: string; reason: string } })[];
      expect(states.at(-1)?.extras).toEqual({ agent_state: 'error', reason: interruptedReason });
      expect(states.filter((state) => state.extras.reason === interruptedReason)).toHaveLength(1);
      const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(
        app.database.kysely,
      );
      expect(integrity.rows).toEqual([{ integrity_check: 'ok' }]);

      // The conversation can be continued: a message starts the loop and is answered.
      llm.enqueue({ kind: 'reply', text: 'Continuing.' });
      const response = await app.http.inject({
        method: 'POST',
        url: `/api/conversations/${run.conversationId}/message`,
        payload: { message: 'go on' },
      });
      expect(response.statusCode).toBe(200);
      const loop = app.conversationManager?.loop(run.conversationId);
      await loop?.settled();
      await app.eventStore.flush();
      const after = (await app.eventStore.search(run.conversationId)).events;
      expect(after.at(-1)).toMatchObject({ extras: { agent_state: 'awaiting_user_input' } });
      expect(JSON.stringify(after.at(-2))).toContain('Continuing.');
      await app.close();
      apps.pop();
    }
    // Several server processes started and killed in turn: slow on a loaded machine.
  }, 120_000);
});
