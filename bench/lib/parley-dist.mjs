// @ts-check
// Where the bench programs load Parley from: the compiled packages/server/dist, or the build that
// PARLEY_SERVER_DIST names (for example a patched copy of dist/ with a node_modules symlink beside
// it, to measure a change side by side with the original).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchSessionApiKey } from './realtime-payload.mjs';

export const serverDist =
  process.env.PARLEY_SERVER_DIST === undefined || process.env.PARLEY_SERVER_DIST === ''
    ? new URL('../../packages/server/dist/', import.meta.url)
    : pathToFileURL(`${resolve(process.env.PARLEY_SERVER_DIST)}/`);

/**
 * Imports a module of the server build by its path inside dist, e.g. `events/sql-event-store.js`.
 * @param {string} path
 * @returns {Promise<any>} the module (dist has no type declarations the bench reads)
 */
export function importFromDist(path) {
  return import(new URL(path, serverDist).href);
}

/**
 * Parley's whole app (`createApp`, the composition root `main.js` runs) on 127.0.0.1 and a free port,
 * with the bench's session API key, logging silent, the REST per-IP rate limit off (every bench
 * request comes from 127.0.0.1) and its data in `dataDirectory`. `environment` adds or overrides
 * configuration variables. Resolves with the app and its port.
 * @param {string} dataDirectory
 * @param {Record<string, string>} [environment]
 * @returns {Promise<{ app: any, port: number }>}
 */
export async function startParleyApp(dataDirectory, environment = {}) {
  const { createApp } = await importFromDist('app.js');
  const { loadConfig } = await importFromDist('config/load-config.js');
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDirectory,
      LOG_LEVEL: 'silent',
      SESSION_API_KEY: benchSessionApiKey,
      PARLEY_RATE_LIMIT_PER_SECOND: '0',
      ...environment,
    },
    { dotenvPath: false },
  );
  const app = await createApp(config);
  const address = await app.listen();
  return { app, port: Number(new URL(address.url).port) };
}

/**
 * Creates a conversation over REST, as a client would; resolves with its id.
 * @param {number} port
 */
export async function createConversation(port) {
  const response = await fetch(`http://127.0.0.1:${port}/api/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-api-key': benchSessionApiKey },
    body: '{}',
  });
  if (!response.ok) {
    throw new Error(`creating a conversation: ${response.status} ${await response.text()}`);
  }
  const { conversation_id: id } = /** @type {{ conversation_id: string }} */ (
    await response.json()
  );
  return id;
}
