/** The sandbox the configuration names; the composition root's one call into this folder. */
import type { SandboxConfig } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { BubblewrapSandbox } from './bubblewrap-sandbox.js';
import type { Sandbox } from './sandbox.js';
import { UnsandboxedRunner } from './unsandboxed-runner.js';

export type { Sandbox } from './sandbox.js';

export function createSandbox(config: SandboxConfig, logger: Logger): Sandbox {
  const common = {
    workspaceRoot: config.workspaceRoot,
    user: config.user,
    limits: config.limits,
    logger,
  };
  if (config.kind === 'unsandboxed') {
    return new UnsandboxedRunner({ ...common, acknowledgeNoIsolation: true });
  }
  return new BubblewrapSandbox({ ...common, network: config.network });
}
