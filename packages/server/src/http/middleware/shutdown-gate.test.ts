import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createSilentLogger } from '../../shared/logger.js';
import { createHttpServer } from '../create-http-server.js';

describe('the shutdown gate', () => {
  let server: FastifyInstance | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function serverClosingWhen(isShuttingDown: () => boolean): FastifyInstance {
    server = createHttpServer({ logger: createSilentLogger(), isShuttingDown });
    server.post('/api/work', async () => ({ started: true }));
    server.get('/api/work', async () => ({ read: true }));
    return server;
  }

  it('serves writes until shutdown begins, then answers them 503 SERVER_SHUTTING_DOWN', async () => {
    let shuttingDown = false;
    const app = serverClosingWhen(() => shuttingDown);
    expect((await app.inject({ method: 'POST', url: '/api/work' })).statusCode).toBe(200);
    shuttingDown = true;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const response = await app.inject({ method, url: '/api/work' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['connection']).toBe('close');
      expect(JSON.parse(response.body)).toMatchObject({
        status: 'error',
        code: 'SERVER_SHUTTING_DOWN',
      });
    }
  });

  it('keeps serving reads and preflights while shutting down; the 503 carries CORS headers', async () => {
    const app = serverClosingWhen(() => true);
    expect(JSON.parse((await app.inject({ url: '/api/work' })).body)).toEqual({ read: true });
    const origin = 'http://localhost:3001';
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/work',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    const refused = await app.inject({ method: 'POST', url: '/api/work', headers: { origin } });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['access-control-allow-origin']).toBe(origin);
  });
});
