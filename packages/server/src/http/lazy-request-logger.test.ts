import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.js';
import { createHttpServer } from './create-http-server.js';
import { LazyChildLogger } from './lazy-request-logger.js';

/** A logger at `level` whose JSON lines land in `lines`. */
function collectingLogger(level: string): {
  logger: ReturnType<typeof createLogger>;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: createLogger({ level, json: true, destination }), lines };
}

describe('request loggers (lazyRequestLoggerFactory)', () => {
  it('logs with the request id, module and redaction when the level is enabled', async () => {
    const { logger, lines } = collectingLogger('info');
    const server = createHttpServer({ logger });
    server.get('/talk', async (request) => {
      request.log.info({ apiKey: 'sk-secret', n: 1 }, 'hello');
      request.log.child({ step: 'inner' }).warn('from a child');
      return { ok: true };
    });
    const response = await server.inject({ url: '/talk' });
    expect(response.statusCode).toBe(200);
    const hello = lines.find((line) => line['msg'] === 'hello');
    expect(hello).toMatchObject({ level: 30, module: 'http', service: 'parley', n: 1 });
    expect(hello?.['apiKey']).toBe('[redacted]');
    expect(typeof hello?.['reqId']).toBe('string');
    const inner = lines.find((line) => line['msg'] === 'from a child');
    expect(inner).toMatchObject({
      level: 40,
      module: 'http',
      step: 'inner',
      reqId: hello?.['reqId'],
    });
    await server.close();
  });

  it('gives each request its own id', async () => {
    const { logger, lines } = collectingLogger('info');
    const server = createHttpServer({ logger });
    server.get('/talk', async (request) => {
      request.log.info('once');
      return { ok: true };
    });
    await server.inject({ url: '/talk' });
    await server.inject({ url: '/talk' });
    const ids = lines.filter((line) => line['msg'] === 'once').map((line) => line['reqId']);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
    await server.close();
  });

  it('builds no child logger for a request that logs nothing at an enabled level', async () => {
    const { logger, lines } = collectingLogger('warn');
    const server = createHttpServer({ logger });
    let requestLogger: unknown;
    server.get('/quiet', async (request) => {
      request.log.info('below the level');
      request.log.debug('below the level too');
      requestLogger = request.log;
      return { ok: true };
    });
    await server.inject({ url: '/quiet' });
    expect(requestLogger).toBeInstanceOf(LazyChildLogger);
    expect((requestLogger as LazyChildLogger).materialized).toBe(false);
    expect((requestLogger as LazyChildLogger).level).toBe('warn');
    expect(
      lines.filter((line) => typeof line['msg'] === 'string' && line['msg'].includes('below')),
    ).toEqual([]);
    await server.close();
  });

  it('logs nothing and builds nothing at level silent', async () => {
    const { logger, lines } = collectingLogger('silent');
    const server = createHttpServer({ logger });
    let requestLogger: unknown;
    server.get('/quiet', async (request) => {
      request.log.error('not written');
      requestLogger = request.log;
      return { ok: true };
    });
    await server.inject({ url: '/quiet' });
    expect((requestLogger as LazyChildLogger).materialized).toBe(false);
    expect(lines).toEqual([]);
    await server.close();
  });

  it('gives a route with its own log level a real child at that level', async () => {
    const { logger, lines } = collectingLogger('info');
    const server = createHttpServer({ logger });
    server.get('/verbose', { logLevel: 'debug' }, async (request) => {
      request.log.debug('detail');
      return { ok: true };
    });
    await server.inject({ url: '/verbose' });
    expect(lines.find((line) => line['msg'] === 'detail')).toMatchObject({ level: 20 });
    expect(typeof lines.find((line) => line['msg'] === 'detail')?.['reqId']).toBe('string');
    await server.close();
  });

  it('applies a level set on the request logger to that request only', async () => {
    const { logger, lines } = collectingLogger('info');
    const server = createHttpServer({ logger });
    server.get('/raise', async (request) => {
      request.log.level = 'debug';
      request.log.debug('now visible');
      return { ok: true };
    });
    server.get('/plain', async (request) => {
      request.log.debug('still hidden');
      return { ok: true };
    });
    await server.inject({ url: '/raise' });
    await server.inject({ url: '/plain' });
    expect(lines.map((line) => line['msg'])).toContain('now visible');
    expect(lines.map((line) => line['msg'])).not.toContain('still hidden');
    await server.close();
  });
});
