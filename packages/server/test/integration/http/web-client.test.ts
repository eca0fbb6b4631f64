import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { createHttpServer } from '../../../src/http/create-http-server.js';
import { isServerPath } from '../../../src/http/routes/web-client-routes.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';

const indexHtml = '<!doctype html><html><body><div id="root"></div></body></html>';
const appJs = 'console.log("parley web client");';
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web client', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function createBuild(): string {
    const directory = mkdtempSync(join(tmpdir(), 'parley-web-'));
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'index.html'), indexHtml);
    writeFileSync(join(directory, 'assets', 'app.js'), appJs);
    writeFileSync(join(directory, 'favicon.svg'), '<svg/>');
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    return directory;
  }

  async function startApp(webClientDirectory: string): Promise<{ app: App; url: string }> {
    const app = await createApp(createTestConfig(), {
      logger: createSilentLogger(),
      webClientDirectory,
    });
    cleanups.push(async () => {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    });
    return { app, url: (await app.listen()).url };
  }

  it('serves index.html at / and the build files as they are', async () => {
    const { url } = await startApp(createBuild());
    const root = await fetch(`${url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(await root.text()).toBe(indexHtml);

    const script = await fetch(`${url}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.headers.get('cache-control')).toBe('public, max-age=2592000, immutable');
    expect(await script.text()).toBe(appJs);

    const icon = await fetch(`${url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('answers client-side routes that ask for HTML with index.html', async () => {
    const { url } = await startApp(createBuild());
    for (const path of ['/conversations/abc123', '/settings', '/settings/llm?tab=1']) {
      const response = await fetch(`${url}${path}`, { headers: html });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toBe(indexHtml);
    }
  });

  it('keeps JSON 404s for unknown API paths, missing assets and non-HTML requests', async () => {
    const { url } = await startApp(createBuild());
    for (const path of ['/api/nowhere', '/api', '/sockets/events/1', '/assets/missing.js']) {
      const response = await fetch(`${url}${path}`, { headers: html });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toContain('application/json');
    }
    // Socket.IO's engine owns /socket.io: a bad request there is its JSON error, never the page.
    const engine = await fetch(`${url}/socket.io/x`, { headers: html });
    expect(engine.status).toBe(400);
    expect(engine.headers.get('content-type')).toContain('application/json');
    const notHtml = await fetch(`${url}/conversations/abc`, {
      headers: { accept: 'application/json' },
    });
    expect(notHtml.status).toBe(404);
    expect(notHtml.headers.get('content-type')).toContain('application/json');
    // Routes other than GET are untouched.
    const post = await fetch(`${url}/conversations/abc`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
  });

  it('never serves a file from outside the build', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'parley-outside-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    writeFileSync(join(parent, 'secret.txt'), 'do not serve');
    const build = join(parent, 'dist');
    mkdirSync(build);
    writeFileSync(join(build, 'index.html'), indexHtml);
    const server = createHttpServer({ logger: createSilentLogger(), webClientDirectory: build });
    cleanups.push(() => server.close());
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const response = await server.inject({ url });
      expect(response.body, url).not.toContain('do not serve');
    }
  });

  it('registers nothing without a build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parley-no-build-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const { url } = await startApp(empty);
    const response = await fetch(`${url}/`, { headers: html });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it("knows which paths are the server's own", () => {
    for (const path of ['/api', '/api/x', '/socket.io/', '/sockets/events/1', '/metrics']) {
      expect(isServerPath(path), path).toBe(true);
    }
    for (const path of ['/docs', '/docs/static/index.html', '/openapi.json']) {
      expect(isServerPath(path), path).toBe(true);
    }
    for (const path of ['/', '/apis', '/conversations/1', '/metrics-dashboard', '/assets/x.js']) {
      expect(isServerPath(path), path).toBe(false);
    }
  });
});
