/**
 * Issue 12, item 4, as a user meets it: SIGTERM to the real server process during a demo turn
 * while REST writers keep posting messages. Once shutdown begins no turn starts; writes are refused
 * with 503; what was accepted is stored; the restarted server reads `stopped`, not "interrupted".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, waitForOutput, type RunningProcess } from '../support/main-process.js';
import { testDatabaseBackends, type TestDatabase } from '../support/test-databases.js';

const backends = await testDatabaseBackends();
const shutdownReason = 'The server is shutting down.';

type WireEvent = Record<string, unknown> & { id: number };

interface WriterResult {
  content: string;
  /** HTTP status, or undefined when the connection failed (the server had gone). */
  status: number | undefined;
  code?: string;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

/** The whole log over REST (streaming deltas are never in REST pages). */
async function readLog(baseUrl: string, id: string): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  for (let startId = 0; ;) {
    const response = await fetch(
      `${baseUrl}/api/conversations/${id}/events?start_id=${startId}&limit=100`,
    );
    const page = (await response.json()) as { events: WireEvent[]; has_more: boolean };
    events.push(...page.events);
    if (!page.has_more || page.events.length === 0) return events;
    startId = (page.events.at(-1) as WireEvent).id + 1;
  }
}

const stateOf = (event: WireEvent): string | undefined =>
  event['observation'] === 'agent_state_changed'
    ? String((event['extras'] as Record<string, unknown>)['agent_state'])
    : undefined;

/** A writer posting numbered messages one after another until its connection is refused. */
async function writer(baseUrl: string, id: string, name: string, results: WriterResult[]) {
  for (let index = 0; ; index++) {
    const content = `${name} message ${index}`;
    try {
      const response = await post(`${baseUrl}/api/conversations/${id}/message`, {
        message: content,
      });
      const code = (response.body as { code?: string } | undefined)?.code;
      results.push({ content, status: response.status, ...(code === undefined ? {} : { code }) });
    } catch {
      results.push({ content, status: undefined });
      return;
    }
  }
}

/**
 * A message whose headers the server has taken (it answered `100 Continue`, so the request is
 * past every `onRequest` hook) while its body is held back until `finish` is called.
 */
async function heldMessage(
  baseUrl: string,
  id: string,
): Promise<{ finish(): Promise<{ status: number; body: unknown }> }> {
  const body = JSON.stringify({ message: 'held message' });
  const url = new URL(`${baseUrl}/api/conversations/${id}/message`);
  const request: ClientRequest = httpRequest(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    request.on('response', (incoming) => {
      let text = '';
      incoming.on('data', (chunk: Buffer) => (text += chunk.toString()));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(text) }),
      );
    });
    request.on('error', reject);
  });
  await new Promise<void>((resolve) => request.once('continue', () => resolve()));
  return {
    finish() {
      request.end(body);
      return response;
    },
  };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`SIGTERM during a demo turn (${backend.name})`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function startServer(environment: Record<string, string>): Promise<{
      running: RunningProcess;
      url: string;
    }> {
      const running = runMain(environment);
      cleanups.push(() => void running.child.kill('SIGKILL'));
      const [, url] = await waitForOutput(running, /Parley is serving (http:\/\/\S+)/);
      return { running, url: url as string };
    }

    it('starts no turn after the stop, refuses writes with 503, and restarts `stopped`', async () => {
      const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-shutdown-'));
      cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
      let database: TestDatabase | undefined;
      if (backend.name === 'postgres') {
        database = await backend.create();
        cleanups.push(() => database?.cleanup());
      }
      const environment = {
        PORT: '0',
        PARLEY_DATA_DIR: dataDirectory,
        ...(database === undefined ? {} : { DATABASE_URL: database.location }),
        LOG_LEVEL: 'info',
        LOG_JSON: 'true',
        PARLEY_RATE_LIMIT_PER_SECOND: '0',
        // A demo answer then takes seconds: the signal lands mid-turn.
        PARLEY_DEMO_TOKEN_DELAY_MS: '100',
      };
      const first = await startServer(environment);
      const created = await post(`${first.url}/api/conversations`, {
        initial_user_msg: 'Tell me about Parley',
      });
      const id = (created.body as { conversation_id: string }).conversation_id;
      for (;;) {
        const states = (await readLog(first.url, id)).flatMap((event) => stateOf(event) ?? []);
        if (states.at(-1) === 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // Writers keep posting; each accepted message queues one more turn.
      const results: WriterResult[] = [];
      const writers = ['one', 'two', 'three'].map((name) => writer(first.url, id, name, results));
      const held = await heldMessage(first.url, id);
      while (results.filter((result) => result.status === 200).length < 3) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      first.running.child.kill('SIGTERM');
      await waitForOutput(first.running, /"msg":"shutting down"/);
      // Its headers came before the signal, its body after: the conversation manager refuses it.
      const heldResponse = await held.finish();
      expect(heldResponse.status).toBe(503);
      expect(heldResponse.body).toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
      // On a failure, the server's own last words say why it did not exit cleanly.
      const exit = await first.running.exited;
      expect(exit.code, `${first.running.stdout().slice(-6000)}\n${first.running.stderr()}`).toBe(
        0,
      );
      await Promise.all(writers);

      const second = await startServer(environment);
      const events = await readLog(second.url, id);
      const stopIndex = events.findIndex(
        (event) =>
          stateOf(event) === 'stopped' &&
          (event['extras'] as Record<string, unknown>)['reason'] === shutdownReason,
      );
      expect(stopIndex).toBeGreaterThan(0);
      // Nothing ran after the shutdown's stop; at most user messages were stored after it.
      const after = events.slice(stopIndex + 1);
      expect(
        after.filter((event) => !(event['action'] === 'message' && event['source'] === 'user')),
      ).toEqual([]);
      const states = events.flatMap((event) => stateOf(event) ?? []);
      expect(states.at(-1)).toBe('stopped');
      const info = await fetch(`${second.url}/api/conversations/${id}`);
      expect(await info.json()).toMatchObject({ status: 'STOPPED' });

      // Accepted means stored; refused means not stored; every refusal is a 503.
      const stored = new Set(
        events.flatMap((event) =>
          event['action'] === 'message' && event['source'] === 'user'
            ? [String((event['args'] as Record<string, unknown>)['content'])]
            : [],
        ),
      );
      for (const result of results) {
        if (result.status === 200) expect(stored.has(result.content)).toBe(true);
        else if (result.status !== undefined) {
          expect(result.status).toBe(503);
          expect(stored.has(result.content)).toBe(false);
        }
      }
      expect(stored.has('held message')).toBe(false);

      second.running.child.kill('SIGTERM');
      expect((await second.running.exited).code).toBe(0);
    }, 120_000);
  });
}
