import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const noDotenv = { dotenvPath: false } as const;

describe('loadConfig: the sandbox', () => {
  it('defaults to bubblewrap, no network, uid 65534 and workspaces under the data directory', () => {
    expect(loadConfig({ PARLEY_DATA_DIR: '/srv/parley' }, noDotenv).sandbox).toEqual({
      kind: 'bubblewrap',
      workspaceRoot: '/srv/parley/workspaces',
      network: false,
      exportSecrets: false,
      user: { uid: 65534, gid: 65534 },
      limits: {},
      files: { maxFileBytes: 10 * 1024 * 1024, maxArchiveBytes: 256 * 1024 * 1024 },
    });
  });

  it('refuses an unknown kind, root or a malformed user, and nonsense limits', () => {
    for (const [name, bad] of [
      ['PARLEY_SANDBOX', 'docker'],
      ['PARLEY_SANDBOX_USER', '0:0'],
      ['PARLEY_SANDBOX_USER', '65534:0'],
      ['PARLEY_SANDBOX_USER', 'nobody'],
      ['PARLEY_SANDBOX_NETWORK', 'maybe'],
      ['PARLEY_SANDBOX_EXPORT_SECRETS', 'yes please'],
      ['PARLEY_SANDBOX_TIMEOUT_MS', '0'],
      ['PARLEY_SANDBOX_MEMORY_BYTES', '1000'],
      ['PARLEY_SANDBOX_OUTPUT_BYTES', '-1'],
      ['PARLEY_WORKSPACE_FILE_MAX_BYTES', '0'],
      ['PARLEY_WORKSPACE_ARCHIVE_MAX_BYTES', '5000000000'],
    ] as const) {
      expect(() => loadConfig({ [name]: bad }, noDotenv)).toThrow(new RegExp(name));
    }
  });
});
