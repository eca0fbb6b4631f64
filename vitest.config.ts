import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const protocolSource = fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: { '@parley/protocol': protocolSource },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'packages/web/src/**/*.test.{ts,tsx}',
      'bench/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Database suites share one PostgreSQL server; files run in parallel processes.
    pool: 'forks',
  },
});
