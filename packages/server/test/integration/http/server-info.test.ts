import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/http/create-http-server.js';
import { registerServerInfoRoutes } from '../../../src/http/routes/server-info-routes.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import Fastify, { type FastifyInstance } from 'fastify';

describe('GET /server_info', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reports uptime, idle time and the machine and process resources', async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-info-'));
    cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
    const server = createHttpServer({ logger: createSilentLogger(), dataDirectory });
    cleanups.push(() => server.close());

    const response = await server.inject({ url: '/server_info' });
    expect(response.statusCode).toBe(200);
    const info = response.json();
    expect(info).toEqual({
      uptime: expect.any(Number),
      idle_time: expect.any(Number),
      resources: {
        cpu_count: expect.any(Number),
        cpu_percent: expect.any(Number),
        load_average: [expect.any(Number), expect.any(Number), expect.any(Number)],
        memory: {
          total: expect.any(Number),
          free: expect.any(Number),
          rss: expect.any(Number),
          heap_total: expect.any(Number),
          heap_used: expect.any(Number),
          percent: expect.any(Number),
        },
        disk: {
          total: expect.any(Number),
          used: expect.any(Number),
          free: expect.any(Number),
          percent: expect.any(Number),
        },
      },
    });
    expect(info.resources.cpu_count).toBeGreaterThan(0);
    expect(info.resources.memory.rss).toBeGreaterThan(0);
    expect(info.resources.memory.total).toBeGreaterThanOrEqual(info.resources.memory.free);
    expect(info.resources.disk.total).toBeGreaterThan(0);
  });

  it('reports disk as null without a data directory', async () => {
    const server = createHttpServer({ logger: createSilentLogger() });
    cleanups.push(() => server.close());
    expect((await server.inject({ url: '/server_info' })).json().resources.disk).toBeNull();
  });

  it('measures idle time from the last request that is not a probe', async () => {
    const clock = { now: 0 };
    const server: FastifyInstance = Fastify();
    registerServerInfoRoutes(server, { now: () => clock.now });
    server.get('/work', async () => 'done');
    cleanups.push(() => server.close());

    clock.now = 5000;
    let info = (await server.inject({ url: '/server_info' })).json();
    expect(info.uptime).toBe(5);
    expect(info.idle_time).toBe(5);

    clock.now = 6000;
    await server.inject({ url: '/work' });
    clock.now = 8500;
    await server.inject({ url: '/alive' });
    await server.inject({ url: '/metrics' });
    info = (await server.inject({ url: '/server_info?x=1' })).json();
    expect(info.uptime).toBe(8.5);
    expect(info.idle_time).toBe(2.5);
  });
});
