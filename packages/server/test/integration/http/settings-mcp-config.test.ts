import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createTestApi, request, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const goodConfig = {
  sse_servers: ['http://localhost:8080/sse'],
  shttp_servers: [{ url: 'https://mcp.example.com/mcp', api_key: 'mcp-key-1', timeout: 30 }],
  stdio_servers: [{ name: 'fetch', command: 'uvx', args: ['mcp-server-fetch'], env: { A: 'b' } }],
};

/** `mcp_config` in `POST /api/settings`: upstream's MCPConfig shape, refused with 422 otherwise. */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`settings mcp_config on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });
    async function start(): Promise<App> {
      const api = await createTestApi(backend);
      apis.push(api);
      return api.app;
    }
    const getSettings = (app: App) => request(app, 'GET', '/api/settings');
    const postSettings = (app: App, payload: unknown) =>
      request(app, 'POST', '/api/settings', { payload });

    it('stores a configuration of every server kind and reads it back', async () => {
      const app = await start();
      expect((await postSettings(app, { mcp_config: goodConfig })).status).toBe(200);
      expect((await getSettings(app)).body).toMatchObject({ mcp_config: goodConfig });
      expect((await postSettings(app, { mcp_config: null })).status).toBe(200);
      expect((await getSettings(app)).body).toMatchObject({ mcp_config: null });
    });

    it.each([
      [
        'an unknown server list',
        { ws_servers: [] },
        ['body', 'mcp_config', 'ws_servers'],
        'Extra inputs are not permitted',
      ],
      [
        'a URL that is not http(s)',
        { shttp_servers: ['file:///etc/passwd'] },
        ['body', 'mcp_config', 'shttp_servers', 0],
        'The URL must start with http:// or https:// and name a host',
      ],
      [
        'a stdio command with its arguments',
        { stdio_servers: [{ name: 'x', command: 'npx -y server' }] },
        ['body', 'mcp_config', 'stdio_servers', 0, 'command'],
        'The command must be a single executable without spaces (put parameters in "args")',
      ],
      [
        'a stdio server without a name',
        { stdio_servers: [{ command: 'node' }] },
        ['body', 'mcp_config', 'stdio_servers', 0, 'name'],
        'Invalid input: expected string, received undefined',
      ],
      [
        'a list that is not a list',
        { sse_servers: 'http://a.example/sse' },
        ['body', 'mcp_config', 'sse_servers'],
        'Invalid input: expected array, received string',
      ],
    ])(
      'refuses %s with 422 naming the field, and changes nothing',
      async (_label, config, loc, msg) => {
        const app = await start();
        await postSettings(app, { mcp_config: goodConfig, language: 'en' });
        const before = (await getSettings(app)).body;
        const response = await postSettings(app, { mcp_config: config, language: 'fr' });
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({
          status: 'error',
          code: 'REQUEST_INVALID',
          message: `Invalid request: ${loc.join('.')}: ${msg}`,
          detail: [{ loc, msg }],
        });
        expect((await getSettings(app)).body).toEqual(before);
      },
    );
  });
}
