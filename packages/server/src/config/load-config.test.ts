import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const noDotenv = { dotenvPath: false } as const;

describe('loadConfig', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  it('applies the documented defaults', () => {
    const config = loadConfig({}, noDotenv);
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDirectory: resolve('./data'),
      databaseUrl: undefined,
      redisUrl: undefined,
      sessionApiKey: undefined,
      permittedCorsOrigins: [],
      llm: { model: 'demo', apiKey: undefined, baseUrl: undefined },
      log: { level: 'info', json: false },
      storage: { groupCommitMaxEvents: 100, groupCommitMaxDelayMs: 0 },
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads every variable; an LLM timeout of 0 means none', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        PARLEY_DATA_DIR: '/tmp/parley-data',
        DATABASE_URL: 'postgres://user:pw@db:5432/parley',
        REDIS_URL: 'redis://127.0.0.1:6379',
        SESSION_API_KEY: 'k',
        PERMITTED_CORS_ORIGINS: 'https://example.com, https://test.com',
        LLM_MODEL: 'openai/gpt-4o',
        LLM_API_KEY: 'sk-1',
        LLM_BASE_URL: 'http://localhost:8000/v1',
        LLM_NUM_RETRIES: '3',
        LLM_RETRY_MIN_WAIT_MS: '100',
        LLM_RETRY_MAX_WAIT_MS: '2000',
        LLM_RETRY_MULTIPLIER_MS: '250',
        LLM_CONNECT_TIMEOUT_MS: '1000',
        LLM_FIRST_TOKEN_TIMEOUT_MS: '0',
        LLM_IDLE_TIMEOUT_MS: '5000',
        LOG_COMPLETIONS: 'true',
        PARLEY_DEMO_TOKEN_DELAY_MS: '0',
        LLM_PRICES: '{"openai/my-model": {"input": 1.5, "output": 6, "cacheRead": 0.5}}',
        LOG_LEVEL: 'debug',
        LOG_JSON: 'true',
        PARLEY_GROUP_COMMIT_MAX_EVENTS: '50',
        PARLEY_GROUP_COMMIT_MAX_DELAY_MS: '1',
        PARLEY_SHUTDOWN_TIMEOUT_MS: '5000',
        PARLEY_SANDBOX: 'unsandboxed',
        PARLEY_WORKSPACE_DIR: 'spaces',
        PARLEY_SANDBOX_NETWORK: 'true',
        PARLEY_SANDBOX_EXPORT_SECRETS: 'true',
        PARLEY_SANDBOX_USER: '2000:3000',
        PARLEY_SANDBOX_TIMEOUT_MS: '5000',
        PARLEY_SANDBOX_CPU_SECONDS: '10',
        PARLEY_SANDBOX_MEMORY_BYTES: '134217728',
        PARLEY_SANDBOX_PROCESSES: '64',
        PARLEY_SANDBOX_FILE_SIZE_BYTES: '1048576',
        PARLEY_SANDBOX_OUTPUT_BYTES: '65536',
        PARLEY_WORKSPACE_FILE_MAX_BYTES: '2048',
        PARLEY_WORKSPACE_ARCHIVE_MAX_BYTES: '4096',
      },
      noDotenv,
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDirectory: '/tmp/parley-data',
      databaseUrl: 'postgres://user:pw@db:5432/parley',
      redisUrl: 'redis://127.0.0.1:6379',
      sessionApiKey: 'k',
      permittedCorsOrigins: ['https://example.com', 'https://test.com'],
      llm: {
        model: 'openai/gpt-4o',
        apiKey: 'sk-1',
        baseUrl: 'http://localhost:8000/v1',
        retry: { maxAttempts: 3, minWaitMs: 100, maxWaitMs: 2_000, multiplierMs: 250 },
        timeouts: { connectMs: 1_000, firstTokenMs: Infinity, idleMs: 5_000 },
        logCompletions: true,
        demoTokenDelayMs: 0,
        priceOverrides: {
          'openai/my-model': {
            inputPerMillion: 1.5,
            outputPerMillion: 6,
            cacheReadPerMillion: 0.5,
          },
        },
      },
      log: { level: 'debug', json: true },
      storage: { groupCommitMaxEvents: 50, groupCommitMaxDelayMs: 1 },
      shutdownTimeoutMs: 5000,
    });
    expect(config.sandbox).toEqual({
      kind: 'unsandboxed',
      workspaceRoot: resolve('spaces'),
      network: true,
      exportSecrets: true,
      user: { uid: 2000, gid: 3000 },
      limits: {
        timeoutMs: 5000,
        cpuSeconds: 10,
        memoryBytes: 134_217_728,
        processes: 64,
        fileSizeBytes: 1_048_576,
        outputBytes: 65_536,
      },
      files: { maxFileBytes: 2048, maxArchiveBytes: 4096 },
    });
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ LOG_JSON: 'maybe' }, /LOG_JSON/],
    [
      { DATABASE_URL: 'mysql://x' },
      /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//,
    ],
    [{ LLM_BASE_URL: 'ftp://x' }, /LLM_BASE_URL/],
    [{ PARLEY_GROUP_COMMIT_MAX_EVENTS: '0' }, /PARLEY_GROUP_COMMIT_MAX_EVENTS/],
  ])('a bad value is one line naming the variable: %j', (environment, message) => {
    let thrown: unknown;
    try {
      loadConfig(environment, noDotenv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'CONFIG_INVALID' });
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', LOG_JSON: '' }, noDotenv)).toMatchObject({
      port: 3000,
      log: { json: false },
    });
  });

  it('reads a .env file, and real environment variables win over it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'parley-config-'));
    directories.push(directory);
    const path = join(directory, '.env');
    writeFileSync(
      path,
      'PORT=4000\nLLM_MODEL=anthropic/claude\n# comment\nSESSION_API_KEY="quoted key"\n',
    );
    const config = loadConfig({ PORT: '5000' }, { dotenvPath: path });
    expect(config.port).toBe(5000);
    expect(config.llm.model).toBe('anthropic/claude');
    expect(config.sessionApiKey).toBe('quoted key');
  });

  it('a missing .env file is fine; a bad value in it is still named', () => {
    expect(() => loadConfig({}, { dotenvPath: '/nonexistent/.env' })).not.toThrow();
    const directory = mkdtempSync(join(tmpdir(), 'parley-config-'));
    directories.push(directory);
    const path = join(directory, '.env');
    writeFileSync(path, 'PORT=not-a-port\n');
    expect(() => loadConfig({}, { dotenvPath: path })).toThrow(/PORT/);
  });

  it('reads PARLEY_RATE_LIMIT_PER_SECOND: 10 by default, 0 turns it off, negatives are refused', () => {
    expect(loadConfig({}, noDotenv).rateLimit).toEqual({ requestsPerSecond: 10 });
    expect(loadConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '0' }, noDotenv).rateLimit).toEqual({
      requestsPerSecond: 0,
    });
    expect(loadConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '25' }, noDotenv).rateLimit).toEqual({
      requestsPerSecond: 25,
    });
    for (const bad of ['-1', '1.5', 'many']) {
      expect(() => loadConfig({ PARLEY_RATE_LIMIT_PER_SECOND: bad }, noDotenv)).toThrow(
        /PARLEY_RATE_LIMIT_PER_SECOND/,
      );
    }
  });

  it('reads PARLEY_SOCKET_AUTH_TIMEOUT_MS: 10 s by default; zero and garbage are refused', () => {
    expect(loadConfig({}, noDotenv).realtime.authTimeoutMs).toBe(10_000);
    expect(
      loadConfig({ PARLEY_SOCKET_AUTH_TIMEOUT_MS: '250' }, noDotenv).realtime.authTimeoutMs,
    ).toBe(250);
    for (const bad of ['0', '-5', 'soon']) {
      expect(() => loadConfig({ PARLEY_SOCKET_AUTH_TIMEOUT_MS: bad }, noDotenv)).toThrow(
        /PARLEY_SOCKET_AUTH_TIMEOUT_MS/,
      );
    }
  });

  it('reads the replay budget: 64 MiB and a 10 s wait by default; too small or too long is refused', () => {
    expect(loadConfig({}, noDotenv).realtime).toMatchObject({
      replayBudgetBytes: 64 * 1024 * 1024,
      replayWaitMs: 10_000,
    });
    expect(
      loadConfig(
        { PARLEY_REPLAY_BUDGET_BYTES: '16777216', PARLEY_REPLAY_WAIT_MS: '2500' },
        noDotenv,
      ).realtime,
    ).toMatchObject({ replayBudgetBytes: 16 * 1024 * 1024, replayWaitMs: 2_500 });
    for (const [name, bad] of [
      ['PARLEY_REPLAY_BUDGET_BYTES', '1000'],
      ['PARLEY_REPLAY_BUDGET_BYTES', 'lots'],
      ['PARLEY_REPLAY_WAIT_MS', '0'],
      ['PARLEY_REPLAY_WAIT_MS', '60000'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad }, noDotenv)).toThrow(new RegExp(name));
    }
  });

  it('returns a frozen object', () => {
    const config = loadConfig({}, noDotenv);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.llm)).toBe(true);
  });
});
