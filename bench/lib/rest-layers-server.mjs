// @ts-check
// The server process of one step of bench/lib/rest-layers.mjs: bare Fastify plus Parley's HTTP
// layers up to that step, from packages/server/dist; the last step is the whole app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { LogController } from 'fastify';
import { importFromDist, startParleyApp } from './parley-dist.mjs';
import { serveRequests } from './realtime-rpc.mjs';
import { benchSessionApiKey } from './realtime-payload.mjs';
import { portOf } from './listening.mjs';

const load = importFromDist;
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

/** @type {(() => Promise<unknown>) | undefined} */
let close;

/** @param {string} step  the last layer to include (see `order`) */
async function startLayers(step) {
  const upTo = (/** @type {string} */ name) => order.indexOf(step) >= order.indexOf(name);
  /** @type {Record<string, unknown>} */
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
    const { registerApiAuth } = await load('http/middleware/session-api-key.js');
    const { SingleUserAuth } = await load('http/user-auth.js');
    registerApiAuth(server, { sessionApiKey: benchSessionApiKey, userAuth: new SingleUserAuth() });
  }
  server.get('/alive', async () => ({ status: 'ok' }));
  await server.listen({ host: '127.0.0.1', port: 0 });
  return { port: portOf(server.server), close: () => server.close() };
}

async function startWholeApp() {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-rest-layers-'));
  const { app, port } = await startParleyApp(dataDirectory);
  return {
    port,
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
