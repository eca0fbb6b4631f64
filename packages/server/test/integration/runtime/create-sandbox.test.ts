import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCapturingLogger } from '../../support/test-logger.js';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import { createSandbox } from '../../../src/runtime/create-sandbox.js';
import { UnsandboxedRunner } from '../../../src/runtime/unsandboxed-runner.js';

function sandboxFor(environment: Record<string, string>) {
  const captured = createCapturingLogger('info');
  const config = loadConfig(
    { PARLEY_DATA_DIR: '/srv/parley', ...environment },
    { dotenvPath: false },
  );
  return { sandbox: createSandbox(config.sandbox, captured.logger), captured, config };
}

describe('createSandbox', () => {
  it('is bubblewrap by default, with the configured limits over the defaults, and quiet', () => {
    const { sandbox, captured, config } = sandboxFor({ PARLEY_SANDBOX_TIMEOUT_MS: '5000' });
    expect(sandbox).toBeInstanceOf(BubblewrapSandbox);
    expect(config.sandbox).toMatchObject({
      workspaceRoot: '/srv/parley/workspaces',
      network: false,
      user: { uid: 65534, gid: 65534 },
    });
    expect((sandbox as BubblewrapSandbox).limits).toMatchObject({
      timeoutMs: 5000,
      processes: 512,
    });
    expect(captured.lines().filter((line) => line['level'] === 40)).toEqual([]);
  });

  it('runs unsandboxed only when configured so, and warns', () => {
    const { sandbox, captured } = sandboxFor({ PARLEY_SANDBOX: 'unsandboxed' });
    expect(sandbox).toBeInstanceOf(UnsandboxedRunner);
    expect(sandbox.kind).toBe('unsandboxed');
    const warnings = captured.lines().filter((line) => line['level'] === 40);
    expect(warnings.map((line) => line['msg'])).toEqual([
      expect.stringMatching(/^COMMANDS RUN UNSANDBOXED/),
    ]);
  });
});
