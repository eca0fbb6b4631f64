import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const noDotenv = { dotenvPath: false } as const;

describe('loadConfig: the sandbox', () => {
  it('defaults to bubblewrap, no network, uid 65534 and workspaces under the data directory', () => {
    expect(loadConfig({ PARLEY_DATA_DIR: '/srv/parley' }, noDotenv).sandbox).toEqual({
      kind: 'bubblewrap',
      workspaceRoot: '/srv/parley/workspaces',
      network: false,
      user: { uid: 65534, gid: 65534 },
      limits: {},
    });
  });

  it('reads every sandbox variable', () => {
    const config = loadConfig(
      {
        PARLEY_SANDBOX: 'unsandboxed',
        PARLEY_WORKSPACE_DIR: 'spaces',
        PARLEY_SANDBOX_NETWORK: 'true',
        PARLEY_SANDBOX_USER: '2000:3000',
        PARLEY_SANDBOX_TIMEOUT_MS: '5000',
        PARLEY_SANDBOX_CPU_SECONDS: '10',
        PARLEY_SANDBOX_MEMORY_BYTES: '134217728',
        PARLEY_SANDBOX_PROCESSES: '64',
        PARLEY_SANDBOX_FILE_SIZE_BYTES: '1048576',
        PARLEY_SANDBOX_OUTPUT_BYTES: '65536',
      },
      noDotenv,
    );
    expect(config.sandbox).toEqual({
      kind: 'unsandboxed',
      workspaceRoot: resolve('spaces'),
      network: true,
      user: { uid: 2000, gid: 3000 },
      limits: {
        timeoutMs: 5000,
        cpuSeconds: 10,
        memoryBytes: 134_217_728,
        processes: 64,
        fileSizeBytes: 1_048_576,
        outputBytes: 65_536,
      },
    });
  });

  it('refuses an unknown kind, root or a malformed user, and nonsense limits', () => {
    for (const [name, bad] of [
      ['PARLEY_SANDBOX', 'docker'],
      ['PARLEY_SANDBOX_USER', '0:0'],
      ['PARLEY_SANDBOX_USER', '65534:0'],
      ['PARLEY_SANDBOX_USER', 'nobody'],
      ['PARLEY_SANDBOX_NETWORK', 'maybe'],
      ['PARLEY_SANDBOX_TIMEOUT_MS', '0'],
      ['PARLEY_SANDBOX_MEMORY_BYTES', '1000'],
      ['PARLEY_SANDBOX_OUTPUT_BYTES', '-1'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad }, noDotenv)).toThrow(new RegExp(name));
    }
  });
});
