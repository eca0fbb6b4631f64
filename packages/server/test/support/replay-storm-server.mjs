// The server process of the replay-storm test (reliability spec R12): Parley's whole app from the
// compiled packages/server/dist (the composition root `main.js` runs), configured from the
// environment it is given (as `main.js` is), on a free port. Run it as
// `node --expose-gc replay-storm-server.mjs` with an IPC channel.
//
//   stdout: `listening <url>` once it serves
//   IPC in: `{ "type": "gc" }` runs a full garbage collection, then answers `{ "type": "gc-done" }`
//   IPC in: `{ "type": "stop" }` shuts the app down and exits
//
// The parent reads the memory from /proc/<pid>/status, so nothing here allocates to report it.
// PARLEY_SERVER_DIST names another build to run (as for the bench), e.g. the one before a change.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.PARLEY_SERVER_DIST
  ? pathToFileURL(`${resolve(process.env.PARLEY_SERVER_DIST)}/`)
  : new URL('../../dist/', import.meta.url);
if (!existsSync(new URL('app.js', dist))) {
  process.stderr.write(`${dist.pathname} is not built: run \`npx tsc -b packages/server\`\n`);
  process.exit(2);
}
const { createApp } = await import(new URL('app.js', dist).href);
const { loadConfig } = await import(new URL('config/load-config.js', dist).href);

const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...process.env }, { dotenvPath: false });
const app = await createApp(config);
const address = await app.listen();
process.stdout.write(`listening ${address.url}\n`);

process.on('message', (message) => {
  if (message?.type === 'gc') {
    globalThis.gc?.();
    process.send?.({ type: 'gc-done' });
  } else if (message?.type === 'stop') {
    app.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => {
  app.close().finally(() => process.exit(0));
});
