import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCapturingLogger } from '../../support/test-logger.js';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import { createSandbox } from '../../../src/runtime/create-sandbox.js';
import { UnsandboxedRunner } from '../../../src/runtime/unsandboxed-runner.js';

const root = mkdtempSync(join(tmpdir(), 'parley-create-sandbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let directories = 0;

async function sandboxFor(environment: Record<string, string>) {
  const captured = createCapturingLogger('info');
  const dataDirectory = join(root, `data-${directories++}`);
  mkdirSync(dataDirectory, { mode: 0o700 });
  const config = loadConfig(
    { PARLEY_DATA_DIR: dataDirectory, ...environment },
    { dotenvPath: false },
  );
  const sandbox = await createSandbox(config.sandbox, { dataDirectory, logger: captured.logger });
  return { sandbox, captured, config, dataDirectory };
}

describe('createSandbox', () => {
  it('is bubblewrap by default, with the configured limits over the defaults, and quiet', async () => {
    const { sandbox, captured, config, dataDirectory } = await sandboxFor({
      PARLEY_SANDBOX_TIMEOUT_MS: '5000',
    });
    expect(sandbox).toBeInstanceOf(BubblewrapSandbox);
    expect(config.sandbox).toMatchObject({
      workspaceRoot: join(dataDirectory, 'workspaces'),
      network: false,
      user: { uid: 65534, gid: 65534 },
    });
    expect((sandbox as BubblewrapSandbox).limits).toMatchObject({
      timeoutMs: 5000,
      processes: 512,
    });
    expect(captured.lines().filter((line) => line['level'] === 40)).toEqual([]);
  });

  it('lets the sandbox user pass through a data directory that holds the workspaces', async () => {
    const inside = await sandboxFor({});
    expect(statSync(inside.dataDirectory).mode & 0o777).toBe(0o711);
    const outside = await sandboxFor({ PARLEY_WORKSPACE_DIR: join(root, 'elsewhere') });
    expect(statSync(outside.dataDirectory).mode & 0o777).toBe(0o700);
  });

  it('runs unsandboxed only when configured so, and warns', async () => {
    const { sandbox, captured } = await sandboxFor({ PARLEY_SANDBOX: 'unsandboxed' });
    expect(sandbox).toBeInstanceOf(UnsandboxedRunner);
    expect(sandbox.kind).toBe('unsandboxed');
    const warnings = captured.lines().filter((line) => line['level'] === 40);
    expect(warnings.map((line) => line['msg'])).toEqual([
      expect.stringMatching(/^COMMANDS RUN UNSANDBOXED/),
    ]);
  });
});
