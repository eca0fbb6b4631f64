import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../../src/http/create-http-server.js';
import { createSilentLogger } from '../../../src/shared/logger.js';

describe('Cache-Control', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function createServer() {
    const webClient = mkdtempSync(join(tmpdir(), 'parley-web-'));
    mkdirSync(join(webClient, 'assets'));
    writeFileSync(join(webClient, 'index.html'), '<!doctype html><title>Parley</title>');
    writeFileSync(join(webClient, 'assets', 'app.js'), 'console.log("parley")');
    const server = createHttpServer({
      logger: createSilentLogger(),
      webClientDirectory: webClient,
    });
    server.get('/assets-info', async () => ({ ok: true }));
    cleanups.push(() => rmSync(webClient, { recursive: true, force: true }));
    cleanups.push(() => server.close());
    return server;
  }

  it('marks /assets files immutable for 30 days', async () => {
    const server = createServer();
    const response = await server.inject({ method: 'GET', url: '/assets/app.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=2592000, immutable');
    expect(response.headers['pragma']).toBeUndefined();
    expect(response.headers['expires']).toBeUndefined();
  });

  it('uses a plain prefix match, as upstream: /assets-info counts as an asset path', async () => {
    const server = createServer();
    const response = await server.inject({ method: 'GET', url: '/assets-info' });
    expect(response.headers['cache-control']).toBe('public, max-age=2592000, immutable');
  });

  it.each([
    ['a JSON route', '/alive', 200],
    ['the web client', '/', 200],
    ['a client-side route', '/conversations/abc', 200],
    ['a missing path', '/api/nowhere', 404],
    ['a missing asset (unlike upstream)', '/assets/missing.js', 404],
  ])('forbids caching %s', async (_name, url, status) => {
    const server = createServer();
    const response = await server.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(status);
    expect(response.headers['cache-control']).toBe(
      'no-cache, no-store, must-revalidate, max-age=0',
    );
    expect(response.headers['pragma']).toBe('no-cache');
    expect(response.headers['expires']).toBe('0');
  });
});
