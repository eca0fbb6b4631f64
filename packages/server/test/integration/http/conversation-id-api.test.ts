import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createTestApi, request, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const tooLong = 'Conversation ID is too long';
const invalidCharacters = 'Conversation ID contains invalid characters';
const pathCharacters = 'Conversation ID contains invalid path characters';
const controlCharacters = 'Conversation ID contains control characters';

/** Raw GET over a real socket, so the path reaches the server exactly as written (no `..` folding). */
function rawGet(url: string, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method: 'GET', path }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Upstream's `server/routes/test_conversation_id_validation.py`, through the routes. */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`conversation id validation on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(): Promise<App> {
      const api = await createTestApi(backend);
      apis.push(api);
      return api.app;
    }

    it.each([
      ['a hex id', '0123456789abcdef0123456789abcdef'],
      ['a short id', 'abc'],
      ['a UUID with hyphens', '550e8400-e29b-41d4-a716-446655440000'],
      ['an id of exactly 100 characters', 'a'.repeat(100)],
      ['an id with spaces', 'my%20conversation'],
    ])('accepts %s: an unknown one is 200 null', async (_label, id) => {
      const app = await start();
      const response = await request(app, 'GET', `/api/conversations/${id}`);
      expect(response.status).toBe(200);
      expect(response.text).toBe('null');
    });

    const rejected: [string, string, string][] = [
      ['101 characters', 'a'.repeat(101), tooLong],
      ['1000 characters', 'b'.repeat(1000), tooLong],
      ['a NUL byte', 'abc%00def', invalidCharacters],
      ['a double dot', 'abc..def', pathCharacters],
      ['a leading ../', '..%2Fetc', pathCharacters],
      ['an encoded slash', 'abc%2Fdef', pathCharacters],
      ['a backslash', 'abc%5Cdef', pathCharacters],
      ['a newline', 'abc%0Adef', controlCharacters],
      ['a tab', 'abc%09def', controlCharacters],
      ['a carriage return', 'abc%0Ddef', controlCharacters],
      ['\\x01', 'abc%01def', controlCharacters],
    ];

    it.each(rejected)('refuses %s with 400 on GET', async (_label, id, message) => {
      const app = await start();
      const response = await request(app, 'GET', `/api/conversations/${id}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        status: 'error',
        message,
        code: 'CONVERSATION_ID_INVALID',
      });
    });

    it.each(rejected)(
      'refuses %s with 400 on DELETE, PATCH, events, message, start and stop',
      async (_label, id, message) => {
        const app = await start();
        const calls: [Parameters<typeof request>[1], string, unknown][] = [
          ['DELETE', `/api/conversations/${id}`, undefined],
          ['PATCH', `/api/conversations/${id}`, { title: 'x' }],
          ['GET', `/api/conversations/${id}/events`, undefined],
          ['POST', `/api/conversations/${id}/message`, { message: 'x' }],
          ['POST', `/api/conversations/${id}/start`, {}],
          ['POST', `/api/conversations/${id}/stop`, undefined],
        ];
        for (const [method, url, payload] of calls) {
          const response = await request(app, method, url, { payload });
          expect({ method, url, status: response.status, body: response.body }).toMatchObject({
            status: 400,
            body: { message },
          });
        }
      },
    );

    it('refuses a raw .. path segment sent over HTTP', async () => {
      const app = await start();
      const { url } = await app.listen();
      const encoded = await rawGet(url, '/api/conversations/%2E%2E');
      expect(encoded.status).toBe(400);
      expect(encoded.body).toMatchObject({ message: pathCharacters });
      const escaped = await rawGet(url, '/api/conversations/..%5Cwindows');
      expect(escaped.status).toBe(400);
      expect(escaped.body).toMatchObject({ message: pathCharacters });
    });
  });
}
