import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSilentLogger } from '../../shared/logger.js';
import { createHttpServer } from '../create-http-server.js';
import { ClientGoneError } from './client-gone.js';

describe('request.clientGone', () => {
  let server: FastifyInstance | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
    server = undefined;
  });

  /** A server whose routes hand the test each request's signal, over a raw client socket. */
  async function serve(): Promise<{
    signals: AbortSignal[];
    entered: Promise<void>;
    serverSocketClosed: () => Promise<void>;
    send: (method: string, path: string, body?: string) => Socket;
  }> {
    const signals: AbortSignal[] = [];
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    const app = createHttpServer({ logger: createSilentLogger() });
    server = app;
    // Holds the request until its client is gone.
    app.post('/hold', async (request) => {
      signals.push(request.clientGone);
      enter();
      await once(request.clientGone, 'abort');
      return { never: 'read' };
    });
    // Answers at once, after its body was read and one more turn of the event loop.
    app.post('/quick', async (request) => {
      signals.push(request.clientGone);
      await new Promise((resolve) => setImmediate(resolve));
      return { abortedInHandler: request.clientGone.aborted };
    });
    const serverSockets: Socket[] = [];
    app.server.on('connection', (socket: Socket) => serverSockets.push(socket));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
      signals,
      entered,
      serverSocketClosed: async () => {
        const socket = serverSockets[0];
        if (socket !== undefined && !socket.destroyed) await once(socket, 'close');
      },
      send: (method, path, body = '{"a":1}') => {
        const socket = connect({ host: '127.0.0.1', port });
        sockets.push(socket);
        socket.on('error', () => undefined);
        socket.write(
          `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        return socket;
      },
    };
  }

  it('fires when the client goes away before the answer, with ClientGoneError as its reason', async () => {
    const { signals, entered, send } = await serve();
    const socket = send('POST', '/hold');
    await entered;
    const signal = signals[0] as AbortSignal;
    expect(signal.aborted).toBe(false);
    socket.destroy();
    await once(signal, 'abort');
    expect(signal.reason).toBeInstanceOf(ClientGoneError);
    expect((signal.reason as Error).message).toContain('client disconnected');
  });

  it('does not fire once a POST body is read, nor when the client leaves after the answer', async () => {
    const { signals, send, serverSocketClosed } = await serve();
    const socket = send('POST', '/quick');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    await expect.poll(() => answer).toContain('{"abortedInHandler":false}');
    // The keep-alive connection closes after the answer: not a client gone before it.
    socket.destroy();
    await serverSocketClosed();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
  });

  it('is one signal per request, the same on every read', async () => {
    const app = createHttpServer({ logger: createSilentLogger() });
    server = app;
    app.get('/same', async (request) => ({ same: request.clientGone === request.clientGone }));
    expect(JSON.parse((await app.inject({ url: '/same' })).body)).toEqual({ same: true });
  });
});
