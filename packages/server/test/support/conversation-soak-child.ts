// A child process for the per-conversation state soak (issue 12, item 6): runs the whole app (demo
// model, no delay) on the database given by argv, then uses many conversations once each and
// leaves them idle, and reports the heap after a forced GC, once after a warm-up and once at the
// end. Run as `node --expose-gc --import tsx conversation-soak-child.ts <data dir> [database url]`
// with SOAK_WARM_UP, SOAK_CONVERSATIONS and SOAK_WAVE (used at once). Prints one JSON line per phase:
//
//   {"phase":"baseline"|"after","conversations":N,"heapUsed":bytes,"states":{...}|null}
import { writeSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { messageAction } from './event-fixtures.js';
import { V1TestClient } from './realtime-clients.js';

const [dataDirectory, databaseUrl] = process.argv.slice(2);
if (dataDirectory === undefined) {
  process.stderr.write('usage: conversation-soak-child.ts <data directory> [database url]\n');
  process.exit(2);
}
const warmUp = Number(process.env['SOAK_WARM_UP'] ?? '200');
const conversations = Number(process.env['SOAK_CONVERSATIONS'] ?? '5000');
/** Conversations used at once. */
const wave = Number(process.env['SOAK_WAVE'] ?? '25');

const collectGarbage = (globalThis as { gc?: () => void }).gc;
if (collectGarbage === undefined) throw new Error('run with --expose-gc');

const config = loadConfig(
  {
    PORT: '0',
    PARLEY_DATA_DIR: dataDirectory,
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    LOG_LEVEL: 'silent',
    PARLEY_RATE_LIMIT_PER_SECOND: '0',
    PARLEY_DEMO_TOKEN_DELAY_MS: '0',
    // Loops end by the user's stop, not by the per-user limit, whose error status would wait 30 s
    // (upstream's client_wait_timeout) in PendingStatusFrames for a client that never comes.
    PARLEY_MAX_RUNNING_CONVERSATIONS: '1000',
  },
  { dotenvPath: false },
);
const app = await createApp(config, { logger: createSilentLogger() });
const { url } = await app.listen();
const wsUrl = url.replace(/^http/, 'ws');

async function api(method: 'POST' | 'GET', path: string, body?: unknown): Promise<unknown> {
  const response = await app.http.inject({
    method,
    url: path,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  if (response.statusCode !== 200) throw new Error(`${method} ${path}: ${response.body}`);
  return JSON.parse(response.body) as unknown;
}

/**
 * One conversation used once, then left idle: a quarter get a message answered by the demo model,
 * the others one append; every tenth has a V1 client that reads its log and leaves; then the
 * conversation is stopped (its loop closed).
 */
async function useOnce(index: number): Promise<void> {
  const withMessage = index % 4 === 0;
  const created = (await api(
    'POST',
    '/api/conversations',
    withMessage ? { initial_user_msg: `Hello number ${index}` } : {},
  )) as { conversation_id: string };
  const id = created.conversation_id;
  if (withMessage) await app.conversationManager?.loop(id)?.settled();
  else {
    await app.eventStreams.get(id).append([messageAction(`note ${index}`, 'agent')]);
  }
  if (index % 10 === 0) {
    const client = new V1TestClient(`${wsUrl}/sockets/events/${id}?resend_all=true`);
    await client.changes.until(() => client.events.length > 0 || client.closeCode !== undefined);
    client.close();
    await client.untilClosed();
  }
  await api('POST', `/api/conversations/${id}/stop`);
}

async function useMany(from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += wave) {
    const indexes = Array.from(
      { length: Math.min(wave, from + count - start) },
      (_, i) => start + i,
    );
    await Promise.all(indexes.map((index) => useOnce(index)));
  }
}

async function heapAfterGc(): Promise<number> {
  await app.eventStore.flush();
  for (let round = 0; round < 4; round++) {
    await nextTurn();
    collectGarbage?.();
  }
  return process.memoryUsage().heapUsed;
}

/** The live per-conversation states gauge, by part (null when the server has none). */
async function states(): Promise<Record<string, number> | null> {
  const { body } = await app.metrics.render();
  const found: Record<string, number> = {};
  for (const match of body.matchAll(/^parley_conversation_states\{part="([^"]+)"\} (\d+)$/gm)) {
    found[match[1] as string] = Number(match[2]);
  }
  return Object.keys(found).length === 0 ? null : found;
}

function report(phase: string, used: number, heapUsed: number, live: unknown): void {
  writeSync(1, `${JSON.stringify({ phase, conversations: used, heapUsed, states: live })}\n`);
}

await useMany(0, warmUp);
report('baseline', warmUp, await heapAfterGc(), await states());
await useMany(warmUp, conversations);
report('after', warmUp + conversations, await heapAfterGc(), await states());
await app.close();
