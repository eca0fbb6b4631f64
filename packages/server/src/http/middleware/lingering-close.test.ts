import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseRawAnswer,
  stubbornUpload,
  uploadWithHttpRequest,
} from '../../../test/support/raw-upload.js';
import { createSilentLogger } from '../../shared/logger.js';
import { createHttpServer } from '../create-http-server.js';
import { registerErrorHandler } from '../error-handler.js';
import type { LingeringCloseBounds } from './lingering-close.js';

const bodyLimit = 64 * 1024;
/** Node reads a socket in chunks of at most 64 KiB: the cut comes at most one chunk late. */
const readChunkBytes = 64 * 1024;
/** Generous room for a request line and headers. */
const headerBytes = 1024;
/** Chunked framing of a few MiB in 64 KiB chunks: about 10 bytes per chunk. */
const chunkFramingBytes = 1024;
const framings = ['content-length', 'chunked'] as const;

describe('the lingering close after an early answer', () => {
  let server: FastifyInstance | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /**
   * A server with a 64 KiB body limit; `bytesReadAtClose` gets one promise per connection, in
   * order: how many bytes the server had read from it when it closed.
   */
  async function start(lingeringClose: LingeringCloseBounds): Promise<{
    port: number;
    url: string;
    bytesReadAtClose: Promise<number>[];
  }> {
    const app = createHttpServer({ logger: createSilentLogger(), bodyLimit, lingeringClose });
    server = app;
    registerErrorHandler(app);
    app.post('/echo', async (request) => ({ received: request.body }));
    app.get('/echo', async () => ({ read: true }));
    app.post(
      '/guarded',
      { onRequest: async (_request, reply) => reply.code(401).send({ code: 'UNAUTHORIZED' }) },
      async () => ({ reached: true }),
    );
    const bytesReadAtClose: Promise<number>[] = [];
    app.server.on('connection', (socket: Socket) => {
      bytesReadAtClose.push(
        new Promise((resolve) => socket.once('close', () => resolve(socket.bytesRead))),
      );
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    return { port, url: `http://127.0.0.1:${port}`, bytesReadAtClose };
  }

  it.each(framings)(
    'answers 413 (%s), reads and discards the rest of the body, then closes without a reset',
    async (framing) => {
      const { port, bytesReadAtClose } = await start({
        maximumBytes: 4 * 1024 * 1024,
        maximumMilliseconds: 600_000,
      });
      const bodyBytes = bodyLimit + 1024 * 1024;
      const upload = await stubbornUpload({ port, path: '/echo', bodyBytes, framing });
      const answer = parseRawAnswer(upload.answer);
      expect(answer.status).toBe(413);
      expect(answer.headers).toContain('connection: close');
      expect(answer.body).toMatchObject({ code: 'REQUEST_TOO_LARGE' });
      // Every byte was taken and the client ended first: the server waited for the whole body.
      expect(upload.finished).toBe(true);
      expect(upload.closedByClient).toBe(true);
      expect(await bytesReadAtClose[0]).toBeGreaterThanOrEqual(bodyBytes);
    },
  );

  it.each(framings)(
    'cuts a 100 MB body (%s) once it discarded maximumBytes after the answer',
    async (framing) => {
      const maximumBytes = 1024 * 1024;
      const { port, bytesReadAtClose } = await start({
        maximumBytes,
        maximumMilliseconds: 600_000,
      });
      const upload = await stubbornUpload({
        port,
        path: '/echo',
        bodyBytes: 100 * 1024 * 1024,
        framing,
      });
      expect(parseRawAnswer(upload.answer)).toMatchObject({
        status: 413,
        body: { code: 'REQUEST_TOO_LARGE' },
      });
      expect(upload.finished).toBe(false);
      expect(upload.closedByClient).toBe(false);
      const bytesRead = await bytesReadAtClose[0];
      // What was read before the answer (nothing for a declared length, the limit when
      // chunked), then the bound after it, and the cut.
      const readBeforeAnswer = framing === 'chunked' ? bodyLimit + readChunkBytes : 0;
      expect(bytesRead).toBeGreaterThan(maximumBytes);
      expect(bytesRead).toBeLessThanOrEqual(
        headerBytes + readBeforeAnswer + maximumBytes + readChunkBytes + chunkFramingBytes,
      );
    },
  );

  /**
   * Starts a server and a 100 MB upload that stalls after 1000 bytes and never closes on its own;
   * resolves once the upload is connected. `stop()` aborts the client and gives its answer's status.
   */
  async function startStalledUpload(maximumMilliseconds: number): Promise<{
    bytesReadAtClose: Promise<number> | undefined;
    stop: () => Promise<number>;
  }> {
    const { port, bytesReadAtClose } = await start({
      maximumBytes: 1024 * 1024,
      maximumMilliseconds,
    });
    const stopClient = new AbortController();
    const uploading = stubbornUpload({
      port,
      path: '/echo',
      bodyBytes: 100 * 1024 * 1024,
      framing: 'content-length',
      bodyBytesBeforeStall: 1000,
      signal: stopClient.signal,
    });
    await expect.poll(() => bytesReadAtClose.length).toBe(1);
    return {
      bytesReadAtClose: bytesReadAtClose[0],
      async stop() {
        stopClient.abort();
        return parseRawAnswer((await uploading).answer).status;
      },
    };
  }

  it('cuts a client that stops sending once maximumMilliseconds have passed', async () => {
    // The client stalls and never closes: the server's close is the server's doing.
    const upload = await startStalledUpload(50);
    expect(await upload.bytesReadAtClose).toBeLessThanOrEqual(headerBytes + 1000);
    expect(await upload.stop()).toBe(413);
  });

  it('cuts lingering connections when the server closes', async () => {
    const upload = await startStalledUpload(600_000);
    // Resolves only once every connection is closed: the lingering one must be cut for it.
    await server?.close();
    server = undefined;
    await upload.bytesReadAtClose;
    expect(await upload.stop()).toBe(413);
  });

  it('closes after any answer sent before the body was read (a 401), once it drained the body', async () => {
    const { url, bytesReadAtClose } = await start({
      maximumBytes: 4 * 1024 * 1024,
      maximumMilliseconds: 600_000,
    });
    const body = Buffer.alloc(1024 * 1024, 0x61);
    const answer = await uploadWithHttpRequest(`${url}/guarded`, body, { chunked: false });
    expect(answer.status).toBe(401);
    expect(answer.headers['connection']).toBe('close');
    expect(await bytesReadAtClose[0]).toBeGreaterThan(body.length);
  });

  it('leaves connections alone when the body was read or there was none', async () => {
    const { url } = await start({ maximumBytes: 1024, maximumMilliseconds: 600_000 });
    const echoed = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(10_000) }),
    });
    expect(echoed.headers.get('connection')).not.toBe('close');
    expect(echoed.status).toBe(200);
    await echoed.arrayBuffer();
    const read = await fetch(`${url}/echo`);
    expect(read.headers.get('connection')).not.toBe('close');
    expect(await read.json()).toEqual({ read: true });
  });
});
