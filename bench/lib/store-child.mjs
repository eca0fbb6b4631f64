// @ts-check
// Child-process entry for bench/store-bench.mjs: `node store-child.mjs <mode> <json config>`. Runs one
// participant and reports { ok, value } over IPC. Each mode imports only its own code, so a peer's
// process never loads Parley's modules and the other way round.
import { reportToParent } from './realtime-rpc.mjs';

/** @type {Record<string, (config: any) => Promise<unknown>>} */
const participants = {
  'parley-concurrent': async (config) =>
    (await import('./store-parley.mjs')).parleyConcurrentAppend(config),
  'parley-single': async (config) =>
    (await import('./store-parley.mjs')).parleySingleAppend(config),
  'parley-fill': async (config) =>
    (await import('./store-parley.mjs')).parleyFillConversation(config),
  'parley-replay': async (config) => (await import('./store-parley.mjs')).parleyReplay(config),
  'raw-group-commit': async (config) =>
    (await import('../peers/raw-sqlite-group-commit.mjs')).rawGroupCommitAppend(config),
  'raw-sqlite-single': async (config) =>
    (await import('../peers/raw-sqlite-group-commit.mjs')).rawGroupCommitAppend({
      ...config,
      producers: 1,
    }),
  'raw-fdatasync': async (config) =>
    (await import('../peers/raw-fdatasync.mjs')).rawFdatasyncLoop(config),
  'raw-replay': async (config) =>
    (await import('../peers/raw-sqlite-replay.mjs')).rawReplay(config),
};

const [mode, configJson] = process.argv.slice(2);
const participant = mode === undefined ? undefined : participants[mode];

try {
  if (participant === undefined) throw new Error(`unknown mode ${mode}`);
  const value = await participant(JSON.parse(configJson ?? '{}'));
  await reportToParent({ ok: true, value });
} catch (error) {
  await reportToParent({
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
}
process.disconnect?.();
