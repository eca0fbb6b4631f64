// Starts the replay-storm server (replay-storm-server.mjs: Parley from dist in a child process),
// prepares the storm's conversation over REST as a client would, and reads the child's memory
// from /proc (Linux). Used by the R12 test and the reliability program.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./replay-storm-server.mjs', import.meta.url));

export interface StormServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** True while the child runs. */
  alive(): boolean;
  /** Runs a full garbage collection in the child. */
  collectGarbage(): Promise<void>;
  /** The child's memory: resident now and its peak, in bytes. */
  memory(): { rssBytes: number; peakRssBytes: number };
  /** Resets the peak the kernel reports (`/proc/<pid>/clear_refs`); false where not allowed. */
  resetPeak(): boolean;
  /** Everything the child wrote (its log, on stdout, and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the child with `environment` as its configuration (PORT and HOST are set for it). */
export async function startStormServer(
  environment: Record<string, string>,
  options: { startTimeoutMs?: number } = {},
): Promise<StormServer> {
  const child = fork(childScript, [], {
    execArgv: ['--expose-gc'],
    env: {
      PATH: process.env['PATH'] ?? '',
      ...(process.env['PARLEY_SERVER_DIST'] === undefined
        ? {}
        : { PARLEY_SERVER_DIST: process.env['PARLEY_SERVER_DIST'] }),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`storm server did not start\n${errors}`)),
      options.startTimeoutMs ?? 30_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      output += chunk.toString();
      const match = /listening (\S+)\n/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`storm server exited (${code ?? signal}) before serving\n${errors}`));
    });
  });
  const pid = child.pid as number;
  return {
    url,
    process: child,
    alive: () => child.exitCode === null && child.signalCode === null,
    collectGarbage: () =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (message: { type?: string }) => {
          if (message.type !== 'gc-done') return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        if (!child.send({ type: 'gc' })) reject(new Error('storm server is gone'));
      }),
    memory: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return { rssBytes: statusBytes(status, 'VmRSS'), peakRssBytes: statusBytes(status, 'VmHWM') };
    },
    resetPeak: () => {
      try {
        // "5" resets the peak resident set size (Linux 4.0+).
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    output: () => errors,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function statusBytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} in /proc/<pid>/status`);
  return Number(match[1]) * 1024;
}

export interface StormConversation {
  conversationId: string;
  /** The log's last id once the agent's answer to the big message settled. */
  lastEventId: number;
  /** The stored size of the big message event's JSON, in bytes. */
  messageEventBytes: number;
}

/**
 * Creates a conversation and sends it one message of `messageBytes` characters
 * (`POST /api/conversations/{id}/message`), then waits until the agent's turn that answers it has
 * ended (the latest event is a settled agent state), so the log stays still during the storm.
 */
export async function prepareStormConversation(options: {
  url: string;
  sessionApiKey: string;
  messageBytes: number;
  settleTimeoutMs?: number;
}): Promise<StormConversation> {
  const headers = {
    'content-type': 'application/json',
    'x-session-api-key': options.sessionApiKey,
  };
  const created = await fetch(`${options.url}/api/conversations`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  if (!created.ok) throw new Error(`create: ${created.status} ${await created.text()}`);
  const { conversation_id: conversationId } = (await created.json()) as { conversation_id: string };
  const message = storyText(options.messageBytes);
  const sent = await fetch(`${options.url}/api/conversations/${conversationId}/message`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ message }),
  });
  if (!sent.ok) throw new Error(`message: ${sent.status} ${await sent.text()}`);

  const deadline = Date.now() + (options.settleTimeoutMs ?? 30_000);
  for (;;) {
    const latest = await latestEvent(options.url, conversationId, headers);
    const state = latest?.['extras'] as { agent_state?: string } | undefined;
    if (
      latest?.['observation'] === 'agent_state_changed' &&
      ['awaiting_user_input', 'finished', 'error', 'stopped'].includes(state?.agent_state ?? '')
    ) {
      const messageEventBytes = await largestEventBytes(options.url, conversationId, headers);
      return { conversationId, lastEventId: latest['id'] as number, messageEventBytes };
    }
    if (Date.now() > deadline) throw new Error('the agent turn did not settle');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function latestEvent(
  url: string,
  conversationId: string,
  headers: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(
    `${url}/api/conversations/${conversationId}/events?reverse=true&limit=1`,
    { headers },
  );
  const page = (await response.json()) as { events: Record<string, unknown>[] };
  return page.events[0];
}

async function largestEventBytes(
  url: string,
  conversationId: string,
  headers: Record<string, string>,
): Promise<number> {
  let largest = 0;
  for (let startId = 0; ; startId += 1) {
    const response = await fetch(
      `${url}/api/conversations/${conversationId}/events?start_id=${startId}&limit=1`,
      { headers },
    );
    const text = await response.text();
    const page = JSON.parse(text) as { events: unknown[]; has_more: boolean };
    largest = Math.max(largest, text.length);
    if (!page.has_more) return largest;
  }
}

/** ASCII prose of exactly `length` characters (JSON-safe: no quotes or backslashes). */
function storyText(length: number): string {
  const sentence = 'A replay storm must not kill the process; memory stays bounded. ';
  return sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);
}
