/**
 * Isolation, proved with canaries (issue 19): two users each put a canary string in a
 * conversation (a message and its title), a setting and a secret. Then each reads everything it
 * can reach — every GET route of the OpenAPI document, search, the event export, metrics, both
 * socket faces — and nothing it receives, and no log line written meanwhile, carries the other's
 * canaries. Every conversation route, whatever its method, answers another user's conversation
 * exactly as a missing one, and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { accountsEnvironment, addLocalUser, signIn } from '../../support/accounts.js';
import { messageAction } from '../../support/event-fixtures.js';
import { SocketIoTestClient, V1TestClient, connectError } from '../../support/realtime-clients.js';
import { createTestApi, request, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const backends = await testDatabaseBackends();

interface Person {
  name: string;
  cookie: string;
  token: string;
  conversationId: string;
  canaries: string[];
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const missingId = '0123456789abcdef0123456789abcdef';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`isolation canaries on ${backend.name}`, () => {
    let api: TestApi | undefined;

    afterEach(async () => {
      await api?.cleanup();
      api = undefined;
    });

    it('shows no user anything of another, on every route, socket, metric and log line', async () => {
      const capture = createCapturingLogger('debug');
      api = await createTestApi(backend, {
        agentLoops: 'log-only',
        env: { ...accountsEnvironment, LOG_LEVEL: 'debug' },
        logger: capture.logger,
        secretRegistry: capture.secrets,
      });
      const { app } = api;
      const address = await app.listen();
      const httpUrl = `http://127.0.0.1:${address.port}`;
      const wsUrl = `ws://127.0.0.1:${address.port}`;

      const setUp = async (name: string): Promise<Person> => {
        const mark = randomBytes(6).toString('hex');
        const canaries = ['conversation', 'title', 'setting', 'secret', 'description', 'key'].map(
          (kind) => `canary-${name}-${kind}-${mark}`,
        );
        const [conversation, title, setting, secret, description, key] = canaries as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        await addLocalUser(app.database, name, `${name} password`);
        const cookie = await signIn(app, name, `${name} password`);
        const headers = { cookie };
        const created = await request(app, 'POST', '/api/conversations', {
          payload: {},
          headers,
        });
        const conversationId = (created.body as { conversation_id: string }).conversation_id;
        await app.eventStreams.get(conversationId).append([messageAction(conversation)]);
        await request(app, 'PATCH', `/api/conversations/${conversationId}`, {
          payload: { title },
          headers,
        });
        await request(app, 'POST', '/api/settings', {
          payload: { llm_model: `openai/${setting}`, llm_api_key: key },
          headers,
        });
        await request(app, 'POST', '/api/secrets', {
          payload: { name: 'CANARY', value: secret, description },
          headers,
        });
        const token = await request(app, 'POST', '/api/auth/tokens', {
          payload: { name: `${name}'s token` },
          headers,
        });
        return {
          name,
          cookie,
          token: (token.body as { token: string }).token,
          conversationId,
          canaries,
        };
      };
      const ada = await setUp('ada');
      const bob = await setUp('bob');

      // Each user's own reads do reach their own canaries (so the absence below means something).
      const ownEvents = await request(
        app,
        'GET',
        `/api/conversations/${ada.conversationId}/events`,
        { headers: { cookie: ada.cookie } },
      );
      expect(ownEvents.text).toContain(ada.canaries[0]);

      const document = (await app.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      const paths = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/'));
      expect(paths.length).toBeGreaterThan(20);

      for (const [reader, other] of [
        [bob, ada],
        [ada, bob],
      ] as const) {
        const logMark = capture.text().length;
        const received: string[] = [];
        const asReader = async (method: Method, url: string, payload?: unknown) => {
          const response = await request(app, method, url, {
            headers: { cookie: reader.cookie, host: 'parley.test', origin: 'http://parley.test' },
            ...(payload === undefined ? {} : { payload }),
          });
          received.push(`${method} ${url} → ${response.status} ${response.text}`);
          return response;
        };

        // Every GET route, with the reader's own conversation where it takes one.
        for (const [path, operations] of paths) {
          if (!('get' in operations)) continue;
          const url = path.replace('{id}', reader.conversationId);
          await asReader('GET', url);
        }
        // Search and the V1 event export, for both conversations.
        for (const id of [reader.conversationId, other.conversationId]) {
          await asReader('GET', `/api/conversations/${id}/events?query=canary`);
          await asReader('GET', `/api/v1/events/search?conversation_id__eq=${id}&limit=100`);
          await asReader('GET', `/api/v1/events/count?conversation_id__eq=${id}`);
        }
        await asReader('GET', '/api/conversations?limit=100');
        // Metrics are process-wide: they carry nobody's canary at all.
        const metrics = await app.http.inject({ method: 'GET', url: '/metrics' });
        for (const canary of [...ada.canaries, ...bob.canaries]) {
          expect(metrics.body).not.toContain(canary);
        }

        // Every conversation route, whatever its method, answers the other's id as a missing one.
        let comparedOperations = 0;
        for (const [path, operations] of paths) {
          if (!path.includes('{id}') || !path.startsWith('/api/conversations/')) continue;
          for (const method of Object.keys(operations)) {
            const upper = method.toUpperCase() as Method;
            const body = upper === 'GET' || upper === 'DELETE' ? undefined : {};
            const foreign = await asReader(upper, path.replace('{id}', other.conversationId), body);
            const missing = await asReader(upper, path.replace('{id}', missingId), body);
            const normalise = (text: string, id: string) => text.replaceAll(id, '<id>');
            expect(
              { status: foreign.status, body: normalise(foreign.text, other.conversationId) },
              `${method} ${path}`,
            ).toEqual({ status: missing.status, body: normalise(missing.text, missingId) });
            comparedOperations += 1;
          }
        }
        expect(comparedOperations).toBeGreaterThan(15);

        // Both socket faces: the reader's own conversation replays only its own log …
        const socketIo = new SocketIoTestClient(
          httpUrl,
          {
            conversation_id: reader.conversationId,
            latest_event_id: '-1',
          },
          { cookie: reader.cookie },
        );
        await socketIo.connected();
        await socketIo.untilId(0);
        received.push(JSON.stringify(socketIo.events));
        socketIo.close();
        const v1 = new V1TestClient(
          `${wsUrl}/sockets/events/${reader.conversationId}?resend_all=true&session_api_key=${reader.token}`,
        );
        await v1.untilId(0);
        received.push(JSON.stringify(v1.frames));
        v1.close();
        // … and the other's conversation is refused exactly as a missing one.
        const foreignConnect = await connectError(
          httpUrl,
          { conversation_id: other.conversationId },
          { cookie: reader.cookie },
        );
        const missingConnect = await connectError(
          httpUrl,
          { conversation_id: missingId },
          { cookie: reader.cookie },
        );
        expect([foreignConnect.message, foreignConnect.data]).toEqual([
          missingConnect.message,
          missingConnect.data,
        ]);
        const foreignV1 = new V1TestClient(`${wsUrl}/sockets/events/${other.conversationId}`, {
          cookie: reader.cookie,
        });
        await foreignV1.untilClosed();
        const missingV1 = new V1TestClient(`${wsUrl}/sockets/events/${missingId}`, {
          cookie: reader.cookie,
        });
        await missingV1.untilClosed();
        expect([foreignV1.closeCode, foreignV1.closeReason, foreignV1.frames]).toEqual([
          missingV1.closeCode,
          missingV1.closeReason,
          missingV1.frames,
        ]);

        const everything = received.join('\n');
        // The reader's own message, title, setting and secret description were all read back.
        for (const index of [0, 1, 2, 4]) expect(everything).toContain(reader.canaries[index]);
        for (const canary of other.canaries) {
          expect(everything, `${reader.name} received ${canary}`).not.toContain(canary);
          expect(capture.text().slice(logMark), `a log line carried ${canary}`).not.toContain(
            canary,
          );
        }
      }

      // Nothing the other tried changed anyone's data.
      for (const person of [ada, bob]) {
        const info = await request(app, 'GET', `/api/conversations/${person.conversationId}`, {
          headers: { cookie: person.cookie },
        });
        expect(info.body).toMatchObject({ title: person.canaries[1] });
        const events = await request(
          app,
          'GET',
          `/api/conversations/${person.conversationId}/events`,
          { headers: { cookie: person.cookie } },
        );
        expect(events.text).toContain(person.canaries[0]);
        const secrets = await request(app, 'GET', '/api/secrets', {
          headers: { cookie: person.cookie },
        });
        expect(secrets.text).toContain(person.canaries[4]);
      }
      // No secret value ever reached the log in plain text.
      for (const person of [ada, bob]) {
        expect(capture.text()).not.toContain(person.canaries[3]);
        expect(capture.text()).not.toContain(person.canaries[5]);
      }
    });
  });
}
