import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import { SecretRegistry } from '../../src/shared/secret-registry.js';

/**
 * A real pino logger whose JSON lines are kept in memory, so tests can read what was logged. Its
 * lines pass through `secrets` (a fresh registry unless given), as the app's logger's do; hand the
 * same registry to the app (`secretRegistry`) so what the app registers is masked here too.
 */
export function createCapturingLogger(
  level = 'debug',
  secrets = new SecretRegistry(),
): {
  logger: Logger;
  secrets: SecretRegistry;
  /** The raw text written, every line as serialized. */
  text: () => string;
  lines: () => Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, json: true, destination, secrets });
  return {
    logger,
    secrets,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
