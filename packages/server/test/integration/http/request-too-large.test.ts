import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lingeringCloseMaximumBytes } from '../../../src/http/middleware/lingering-close.js';
import { runMain, waitForOutput, type RunningProcess } from '../../support/main-process.js';
import {
  parseRawAnswer,
  stubbornUpload,
  uploadWithHttpRequest,
  type UploadAnswer,
} from '../../support/raw-upload.js';
import { createTestApi, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const bodyLimit = 4 * 1024 * 1024;
/** A JSON text of exactly the limit + 1 bytes. */
const overLimitBody = Buffer.from(`{"message":"${'x'.repeat(bodyLimit + 1 - 14)}"}`);
/** Sequential uploads per kind of client: about one in three lost its 413 before the fix. */
const uploads = 30;

function expectRefusedAsTooLarge(answer: UploadAnswer): void {
  expect(answer.status).toBe(413);
  expect(String(answer.headers['content-type'])).toContain('application/json');
  expect(JSON.parse(answer.text)).toMatchObject({ status: 'error', code: 'REQUEST_TOO_LARGE' });
}

// The server runs in its own process, as in production: in one process the client always read
// the answer before the server's reset arrived, so the lost 413s (R5) never showed.
describe('a body over the limit, against a server process', () => {
  let running: RunningProcess;
  let url: string;
  let dataDirectory: string;
  let conversationId: string;

  beforeAll(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'parley-too-large-'));
    running = runMain({
      PORT: '0',
      PARLEY_DATA_DIR: dataDirectory,
      LOG_LEVEL: 'silent',
      PARLEY_RATE_LIMIT_PER_SECOND: '0',
    });
    [, url = ''] = await waitForOutput(running, /Parley is serving (http:\/\/\S+)/);
    const created = await fetch(`${url}/api/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    conversationId = ((await created.json()) as { conversation_id: string }).conversation_id;
  });

  afterAll(async () => {
    running.child.kill('SIGTERM');
    await running.exited;
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it(`answers each of ${uploads} uploads with a Content-Length over the limit 413 JSON`, async () => {
    expect(overLimitBody.length).toBe(bodyLimit + 1);
    for (let upload = 0; upload < uploads; upload += 1) {
      const answer = await uploadWithHttpRequest(`${url}/api/secrets`, overLimitBody, {
        chunked: false,
      });
      expectRefusedAsTooLarge(answer);
    }
  });

  it.each([
    ['the limit + 1 bytes', overLimitBody],
    ['twice the limit', Buffer.concat([overLimitBody, overLimitBody])],
  ])(`answers each of ${uploads} chunked uploads of %s 413 JSON`, async (_label, body) => {
    const path = `/api/conversations/${conversationId}/message`;
    for (let upload = 0; upload < uploads; upload += 1) {
      const answer = await uploadWithHttpRequest(`${url}${path}`, body, { chunked: true });
      expectRefusedAsTooLarge(answer);
    }
  });

  it(`answers each of ${uploads} fetch uploads over the limit 413 JSON`, async () => {
    for (let upload = 0; upload < uploads; upload += 1) {
      const response = await fetch(`${url}/api/secrets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: overLimitBody,
      });
      expectRefusedAsTooLarge({
        status: response.status,
        headers: { 'content-type': response.headers.get('content-type') ?? undefined },
        text: await response.text(),
      });
    }
    // Nothing refused was stored.
    const secrets = await fetch(`${url}/api/secrets`);
    expect(await secrets.json()).toMatchObject({ custom_secrets: [] });
  });
});

const sqlite = (await testDatabaseBackends()).find((backend) => backend.name === 'sqlite');

describe('a client that declares 100 MB and keeps sending', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite backend');
    api = await createTestApi(sqlite);
    ({ port } = await api.app.listen());
  });
  afterAll(async () => {
    await api.cleanup();
  });

  it.each(['content-length', 'chunked'] as const)(
    'is answered 413, then cut once the server discarded the bound (%s)',
    async (framing) => {
      const bytesReadAtClose = new Promise<number>((resolve) =>
        api.app.http.server.once('connection', (socket: Socket) =>
          socket.once('close', () => resolve(socket.bytesRead)),
        ),
      );
      const upload = await stubbornUpload({
        port,
        path: '/api/secrets',
        bodyBytes: 100 * 1024 * 1024,
        framing,
      });
      expect(parseRawAnswer(upload.answer)).toMatchObject({
        status: 413,
        body: { code: 'REQUEST_TOO_LARGE' },
      });
      expect(upload.finished).toBe(false);
      expect(upload.closedByClient).toBe(false);
      // Read before the answer: nothing for a declared length, the limit (and one read chunk)
      // when chunked; then at most the bound and one read chunk of 64 KiB; headers and framing.
      const readBeforeAnswer = framing === 'chunked' ? bodyLimit + 64 * 1024 : 0;
      const bytesRead = await bytesReadAtClose;
      expect(bytesRead).toBeGreaterThan(lingeringCloseMaximumBytes);
      expect(bytesRead).toBeLessThanOrEqual(
        readBeforeAnswer + lingeringCloseMaximumBytes + 64 * 1024 + 8 * 1024,
      );
    },
  );
});
