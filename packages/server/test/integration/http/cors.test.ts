import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { isOriginAllowed } from '../../../src/http/middleware/cors.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';

/** Upstream's `server/test_middleware.py` CORS cases, against a real listener with real fetch. */
describe('CORS', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    }
  });

  async function startApp(environment: Record<string, string> = {}): Promise<string> {
    const app = await createApp(createTestConfig(environment), { logger: createSilentLogger() });
    apps.push(app);
    return (await app.listen()).url;
  }

  it('parses PERMITTED_CORS_ORIGINS into its origins, trimmed', () => {
    const config = createTestConfig({
      PERMITTED_CORS_ORIGINS: 'https://example.com, https://test.com',
    });
    expect(config.permittedCorsOrigins).toEqual(['https://example.com', 'https://test.com']);
    rmSync(config.dataDirectory, { recursive: true, force: true });
  });

  it('has no configured origins without PERMITTED_CORS_ORIGINS', () => {
    const config = createTestConfig();
    expect(config.permittedCorsOrigins).toEqual([]);
    rmSync(config.dataDirectory, { recursive: true, force: true });
  });

  it.each(['http://localhost:8000', 'http://localhost:3000', 'http://127.0.0.1:8000'])(
    'unset: echoes the local origin %s, with credentials',
    async (origin) => {
      const url = await startApp();
      const response = await fetch(`${url}/alive`, { headers: { Origin: origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toContain('Origin');
    },
  );

  it('unset: a non-local origin gets no ACAO header, and the request still succeeds', async () => {
    const url = await startApp();
    for (const origin of ['https://example.com', 'http://localhost.evil.com', 'null']) {
      const response = await fetch(`${url}/alive`, { headers: { Origin: origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('set: the configured origin is allowed, another gets no ACAO but 200', async () => {
    const url = await startApp({ PERMITTED_CORS_ORIGINS: 'https://example.com' });
    const allowed = await fetch(`${url}/alive`, { headers: { Origin: 'https://example.com' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://example.com');

    const disallowed = await fetch(`${url}/alive`, {
      headers: { Origin: 'https://disallowed.com' },
    });
    expect(disallowed.status).toBe(200);
    expect(disallowed.headers.get('access-control-allow-origin')).toBeNull();
    expect(await disallowed.json()).toEqual({ status: 'ok' });

    // Localhost is not special once origins are configured.
    const local = await fetch(`${url}/alive`, { headers: { Origin: 'http://localhost:3000' } });
    expect(local.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a request without Origin gets no CORS headers', async () => {
    const url = await startApp();
    const response = await fetch(`${url}/alive`);
    expect(response.status).toBe(200);
    for (const name of response.headers.keys()) expect(name).not.toMatch(/^access-control-/);
  });

  it.each(['POST', 'PATCH', 'PUT', 'DELETE'])(
    'answers a %s preflight with every method and the requested headers reflected',
    async (method) => {
      const url = await startApp();
      const response = await fetch(`${url}/api/conversations/abc`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:3001',
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'content-type,x-session-api-key',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3001');
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      const methods = (response.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
      expect(methods).toEqual(
        expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']),
      );
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'content-type,x-session-api-key',
      );
    },
  );

  it('passes a preflight for X-Session-API-Key even when a session key is required', async () => {
    const url = await startApp({ SESSION_API_KEY: 'the-key' });
    const response = await fetch(`${url}/api/settings`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'X-Session-API-Key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-allow-headers')).toBe('X-Session-API-Key');
  });

  it('a preflight from a disallowed origin gets no CORS headers', async () => {
    const url = await startApp({ PERMITTED_CORS_ORIGINS: 'https://example.com' });
    const response = await fetch(`${url}/alive`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://disallowed.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('isOriginAllowed', () => {
  it('allows localhost and 127.0.0.1 on any port and scheme when no origins are configured', () => {
    expect(isOriginAllowed('http://localhost', [])).toBe(true);
    expect(isOriginAllowed('https://localhost:4443', [])).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:65535', [])).toBe(true);
    expect(isOriginAllowed('http://127.0.0.2:80', [])).toBe(false);
    expect(isOriginAllowed('http://localhost.example.com', [])).toBe(false);
    expect(isOriginAllowed('not a url', [])).toBe(false);
    expect(isOriginAllowed(undefined, [])).toBe(false);
  });

  it('allows exactly the configured origins otherwise', () => {
    const permitted = ['https://example.com', 'https://test.com'];
    expect(isOriginAllowed('https://test.com', permitted)).toBe(true);
    expect(isOriginAllowed('https://example.com:443', permitted)).toBe(false);
    expect(isOriginAllowed('http://localhost:3000', permitted)).toBe(false);
  });
});
