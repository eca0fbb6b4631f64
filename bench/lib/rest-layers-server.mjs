// The server process of one step of bench/lib/rest-layers.mjs: bare Fastify plus Parley's HTTP
// layers up to that step, from packages/server/dist; the last step is the whole app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { LogController } from 'fastify';
import { serveRequests } from './realtime-rpc.mjs';
import { benchSessionApiKey } from './realtime-payload.mjs';

const dist = new URL('../../packages/server/dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const order = [
  'bare',
  'logger-default-child',
  'logger-lazy-child',
  'cors',
  'metrics',
  'cache-control',
  'server-info-hook',
  'auth-hook',
];

let close;

async function startLayers(step) {
  const upTo = (name) => order.indexOf(step) >= order.indexOf(name);
  let options = { logger: false };
  if (upTo('logger-default-child')) {
    const { createLogger } = await load('shared/logger.js');
    const logger = createLogger({ level: 'silent', json: true }).child({ module: 'http' });
    options = {
      loggerInstance: logger,
      logController: new LogController({ disableRequestLogging: true }),
    };
    if (upTo('logger-lazy-child')) {
      const { lazyRequestLoggerFactory } = await load('http/lazy-request-logger.js');
      options.childLoggerFactory = lazyRequestLoggerFactory;
    }
  }
  const server = Fastify(options);
  if (upTo('metrics')) {
    const { createMetrics } = await load('shared/metrics.js');
    const { registerRequestMetrics } = await load('http/middleware/request-metrics.js');
    registerRequestMetrics(server, createMetrics());
  }
  if (upTo('cors')) {
    const { registerCors } = await load('http/middleware/cors.js');
    registerCors(server, { permittedOrigins: [] });
  }
  if (upTo('cache-control')) {
    const { registerCacheControl } = await load('http/middleware/cache-control.js');
    registerCacheControl(server);
  }
  if (upTo('server-info-hook')) {
    const { registerServerInfoRoutes } = await load('http/routes/server-info-routes.js');
    registerServerInfoRoutes(server, {});
  }
  if (upTo('auth-hook')) {
    const { registerApiAuth } = await load('http/session-api-key.js');
    const { SingleUserAuth } = await load('http/user-auth.js');
    registerApiAuth(server, { sessionApiKey: benchSessionApiKey, userAuth: new SingleUserAuth() });
  }
  server.get('/alive', async () => ({ status: 'ok' }));
  await server.listen({ host: '127.0.0.1', port: 0 });
  return { port: server.server.address().port, close: () => server.close() };
}

async function startWholeApp() {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-rest-layers-'));
  const { createApp } = await load('app.js');
  const { loadConfig } = await load('config/load-config.js');
  const app = await createApp(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        PARLEY_DATA_DIR: dataDirectory,
        LOG_LEVEL: 'silent',
        SESSION_API_KEY: benchSessionApiKey,
        PARLEY_RATE_LIMIT_PER_SECOND: '0',
      },
      { dotenvPath: false },
    ),
  );
  const address = await app.listen();
  return {
    port: Number(new URL(address.url).port),
    close: async () => {
      await app.close();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

serveRequests({
  async start({ step }) {
    const started = step === 'whole-app' ? await startWholeApp() : await startLayers(step);
    close = started.close;
    return { port: started.port };
  },
  cpu: () => process.cpuUsage(),
  async stop() {
    await close?.();
  },
});
