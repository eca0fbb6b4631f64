import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';
import { loadConfig, type Environment } from '../../src/config/load-config.js';

/**
 * A real config for tests: port 0, a fresh data directory, quiet logs, no rate limit, no .env file.
 */
export function createTestConfig(environment: Environment = {}): Config {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-app-'));
  return loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      PARLEY_DATA_DIR: dataDirectory,
      LOG_LEVEL: 'silent',
      // Off, so tests are never throttled; the rate-limit tests set it themselves.
      PARLEY_RATE_LIMIT_PER_SECOND: '0',
      ...environment,
    },
    { dotenvPath: false },
  );
}
