/**
 * Replays what the stock OpenHands web UI 0.62.0 sent to Parley in Chromium (V1 and V0 mode,
 * recorded into ../../fixtures/stock-ui-0.62/*-flow.json: the settings modal, create, first
 * message, follow-up, stop, resume, reload, runtime stop and start, rename, delete) against a
 * fresh server, in order, and checks every answer the UI reads: the recorded status and the
 * fields the UI's code takes from it (frontend/src/api, hooks and contexts of that release).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appConversationSchema,
  appConversationStartTaskSchema,
  conversationInfoSchema,
  sandboxInfoSchema,
} from '@parley/protocol';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { SocketIoTestClient, V1TestClient } from '../../support/realtime-clients.js';
import { request, type JsonResponse } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

interface RecordedRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
}
interface RecordedFrame {
  face: 'v1' | 'socket.io';
  event?: string;
  payload: Record<string, unknown>;
}
type Exchange = RecordedRequest | RecordedFrame;
interface Recording {
  mode: 'V0' | 'V1';
  steps: { name: string; exchanges: Exchange[] }[];
}

function load(name: string): Recording {
  const url = new URL(`../../fixtures/stock-ui-0.62/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Recording;
}

type Row = Record<string, unknown>;

/** What the replay knows so far: the conversation the UI made and the key it was handed. */
interface ReplayState {
  conversationId?: string;
  sessionApiKey?: string;
  v1?: V1TestClient;
  socketIo?: SocketIoTestClient;
  sentTexts: string[];
}

function fill(text: string, state: ReplayState): string {
  return text
    .replaceAll('{conversation_id}', state.conversationId ?? 'none-yet')
    .replaceAll('{session_api_key}', state.sessionApiKey ?? 'none-yet')
    .replaceAll(
      '{twenty_minutes_ago}',
      encodeURIComponent(new Date(Date.now() - 20 * 60 * 1000).toISOString()),
    );
}

function fillValue(value: unknown, state: ReplayState): unknown {
  return value === undefined ? undefined : JSON.parse(fill(JSON.stringify(value), state));
}

/** The upstream UI keeps a V1 frame only with a string id, a string timestamp and a known source. */
function expectKeptByV1Ui(frame: Row): void {
  if (frame['kind'] === 'Heartbeat') return;
  expect(frame['id']).toEqual(expect.any(String));
  expect(frame['id']).not.toBe('');
  expect(frame['timestamp']).toEqual(expect.any(String));
  expect(['agent', 'user', 'environment']).toContain(frame['source']);
}

/** The upstream UI keeps an `oh_event` only with id, source, message and timestamp. */
function expectKeptByV0Ui(event: Row): void {
  if (event['status_update'] === true || event['error'] === true) return;
  expect(event['id']).toEqual(expect.any(Number));
  expect(event['source']).toEqual(expect.any(String));
  expect(event['message']).toEqual(expect.any(String));
  expect(event['timestamp']).toEqual(expect.any(String));
}

/** The checks of one answer: the fields the stock UI reads from it. */
function checkAnswer(
  recorded: RecordedRequest,
  response: JsonResponse,
  state: ReplayState,
  mode: Recording['mode'],
): void {
  const path = recorded.path.split('?')[0] ?? '';
  const body = response.body;
  if (recorded.method === 'POST' && path === '/api/v1/app-conversations') {
    const task = appConversationStartTaskSchema.parse(body);
    expect(task.status).toBe('READY');
    expect(task.app_conversation_id).toMatch(/^[0-9a-f]{32}$/);
    state.conversationId = task.app_conversation_id ?? undefined;
  } else if (recorded.method === 'POST' && path === '/api/conversations') {
    expect(body).toMatchObject({ status: 'ok', conversation_id: expect.any(String) });
    state.conversationId = (body as Row)['conversation_id'] as string;
  } else if (path === '/api/v1/app-conversations/start-tasks') {
    const [task] = body as Row[];
    expect(appConversationStartTaskSchema.parse(task)).toMatchObject({
      id: state.conversationId,
      status: 'READY',
      app_conversation_id: state.conversationId,
      request: { selected_repository: null, selected_branch: null, git_provider: null },
    });
  } else if (path === '/api/v1/app-conversations/start-tasks/search') {
    for (const task of (body as { items: Row[] }).items) {
      expect(appConversationStartTaskSchema.parse(task).status).toEqual(expect.any(String));
    }
  } else if (path === '/api/v1/app-conversations') {
    const [conversation] = body as Row[];
    const parsed = appConversationSchema.parse(conversation);
    expect(parsed).toMatchObject({ id: state.conversationId, sandbox_id: state.conversationId });
    expect(parsed.session_api_key).toEqual(expect.any(String));
    if (state.sessionApiKey === undefined)
      state.sessionApiKey = parsed.session_api_key ?? undefined;
    expect(parsed.session_api_key).toBe(state.sessionApiKey);
  } else if (path === '/api/conversations' && recorded.method === 'GET') {
    const page = body as { results: Row[]; next_page_id: unknown };
    expect(page).toHaveProperty('next_page_id');
    for (const conversation of page.results) {
      const info = conversationInfoSchema.parse(conversation);
      // The UI takes the conversation's key from the list as well as from the conversation.
      if (info.conversation_id === state.conversationId && info.session_api_key !== null) {
        state.sessionApiKey ??= info.session_api_key;
        expect(info.session_api_key).toBe(state.sessionApiKey);
      }
    }
  } else if (path === `/api/conversations/${state.conversationId}` && recorded.method === 'GET') {
    const info = conversationInfoSchema.parse(body);
    expect(info.conversation_version).toBe(mode);
    if (info.status === 'RUNNING') {
      expect(info.runtime_status).toEqual(expect.stringMatching(/^STATUS\$/));
      expect(info.url).toBe(`/api/conversations/${state.conversationId}`);
    }
    if (mode === 'V1') {
      expect(info.session_api_key).toEqual(expect.any(String));
      state.sessionApiKey = info.session_api_key ?? undefined;
    } else {
      expect(info.session_api_key).toBeNull();
    }
  } else if (path.startsWith('/api/conversations/') && path.endsWith('/config')) {
    expect(body).toHaveProperty('runtime_id');
  } else if (path === '/api/v1/sandboxes') {
    for (const sandbox of body as (Row | null)[]) {
      if (sandbox !== null) sandboxInfoSchema.parse(sandbox);
    }
  } else if (path === '/api/v1/events/count') {
    expect(Number.isInteger(body)).toBe(true);
  } else if (path.startsWith('/api/git/changes/') || path.endsWith('/git/changes')) {
    expect(Array.isArray(body)).toBe(true);
  } else if (/\/(pause|run|resume)$/.test(path)) {
    expect(body).toEqual({ success: true });
  } else if (recorded.method === 'PATCH' || recorded.method === 'DELETE') {
    expect(body).toBe(true);
  } else if (path.endsWith('/stop') || path.endsWith('/start')) {
    expect(body).toMatchObject({ status: 'ok', conversation_id: state.conversationId });
  } else if (path === '/api/settings' && recorded.method === 'GET' && response.status === 200) {
    expect(body).toMatchObject({ llm_model: 'other/demo', user_consents_to_analytics: false });
  } else if (path.startsWith('/api/options/') && path !== '/api/options/config') {
    expect(Array.isArray(body)).toBe(true);
  }
}

/** The text of a user message frame of either face, for the echo to wait for. */
function sentText(frame: RecordedFrame): string | undefined {
  if (frame.face === 'v1') {
    const content = frame.payload['content'] as { text?: string }[] | undefined;
    return content?.[0]?.text;
  }
  const args = frame.payload['args'] as Row | undefined;
  return frame.payload['action'] === 'message' ? (args?.['content'] as string) : undefined;
}

function v1Echoed(client: V1TestClient, text: string): boolean {
  return client.frames.some(
    (frame) =>
      frame['kind'] === 'MessageEvent' &&
      frame['source'] === 'user' &&
      (frame['llm_message'] as { content: { text?: string }[] }).content[0]?.text === text,
  );
}

function v0Echoed(client: SocketIoTestClient, text: string): boolean {
  return client.events.some(
    (event) =>
      event['action'] === 'message' &&
      event['source'] === 'user' &&
      (event['args'] as Row)['content'] === text,
  );
}

async function sendFrame(
  server: RealtimeTestApp,
  frame: RecordedFrame,
  state: ReplayState,
  clients: { close(): void }[],
): Promise<void> {
  const payload = fillValue(frame.payload, state) as Row;
  const text = sentText(frame);
  if (frame.face === 'v1') {
    // A stopped runtime closes its sockets; the UI then opens a new one, and so does the replay.
    if (state.v1 === undefined || state.v1.closeCode !== undefined) {
      state.v1 = new V1TestClient(
        `${server.wsUrl}/sockets/events/${state.conversationId}?resend_all=true&session_api_key=${state.sessionApiKey}`,
      );
      clients.push(state.v1);
      await state.v1.untilOpen();
    }
    const client = state.v1;
    client.send(payload);
    if (text !== undefined) await client.changes.until(() => v1Echoed(client, text));
  } else {
    if (state.socketIo === undefined || !state.socketIo.socket.connected) {
      state.socketIo = new SocketIoTestClient(server.url, {
        conversation_id: state.conversationId ?? '',
        latest_event_id: '-1',
      });
      clients.push(state.socketIo);
      await state.socketIo.connected();
    }
    const client = state.socketIo;
    client.socket.emit(frame.event as 'oh_user_action', payload);
    if (text !== undefined) await client.changes.until(() => v0Echoed(client, text));
  }
  if (text !== undefined) state.sentTexts.push(text);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(
    `the stock web UI's recorded flows on ${backend.name}`,
    () => {
      let server: RealtimeTestApp | undefined;
      const clients: { close(): void }[] = [];
      afterEach(async () => {
        for (const client of clients.splice(0)) client.close();
        await server?.cleanup();
        server = undefined;
      });

      it.each(['v1-flow.json', 'v0-flow.json'])('%s answers as the UI needs', async (file) => {
        const recording = load(file);
        server = await startRealtimeApp(
          backend,
          { PARLEY_DEMO_TOKEN_DELAY_MS: '0' },
          { agentLoops: 'manager' },
        );
        const state: ReplayState = { sentTexts: [] };
        const answered: string[] = [];
        for (const step of recording.steps) {
          for (const exchange of step.exchanges) {
            if ('face' in exchange) {
              await sendFrame(server, exchange, state, clients);
              continue;
            }
            const headers = fillValue(exchange.headers, state) as
              Record<string, string> | undefined;
            const response = await request(
              server.app,
              exchange.method,
              fill(exchange.path, state),
              {
                ...(exchange.body === undefined
                  ? {}
                  : { payload: fillValue(exchange.body, state) }),
                ...(headers === undefined ? {} : { headers }),
              },
            );
            answered.push(`${step.name}: ${exchange.method} ${exchange.path} ${response.status}`);
            expect(
              response.status,
              `${step.name}: ${exchange.method} ${exchange.path}: ${response.text}`,
            ).toBe(exchange.status);
            checkAnswer(exchange, response, state, recording.mode);
          }
        }
        // The only 4xx of the whole flow is upstream's first-run answer: no settings yet.
        expect(answered.filter((line) => !/ 2\d\d$/.test(line))).toEqual([
          'settings modal: GET /api/settings 404',
          'settings modal: GET /api/settings 404',
        ]);
        expect(state.sentTexts.length).toBeGreaterThanOrEqual(4);
        // Every frame either socket received is one the stock UI keeps.
        for (const frame of state.v1?.frames ?? []) expectKeptByV1Ui(frame);
        for (const event of state.socketIo?.events ?? []) expectKeptByV0Ui(event);
      });
    },
  );
}
