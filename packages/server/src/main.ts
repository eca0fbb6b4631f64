import { createApp } from './app.js';
import { loadConfig } from './config/load-config.js';
import { describeError, isParleyError } from './shared/errors.js';

/** Process entry: the only file that reads process.env, calls process.exit or installs handlers. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${isParleyError(error) ? error.message : describeError(error)}\n`);
    process.exit(1);
  }

  const app = await createApp(config);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      app.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      app.logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const address = await app.listen();
  process.stdout.write(`Parley is serving ${address.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Parley failed to start: ${describeError(error)}\n`);
  process.exit(1);
});
