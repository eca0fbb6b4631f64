/** The sandbox the configuration names; the composition root's one call into this folder. */
import { isAbsolute, relative, resolve } from 'node:path';
import type { SandboxConfig } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { BubblewrapSandbox } from './bubblewrap-sandbox.js';
import { allowTraversal } from './local-workspaces.js';
import type { Sandbox } from './sandbox.js';
import { UnsandboxedRunner } from './unsandboxed-runner.js';

export type { Sandbox } from './sandbox.js';

/**
 * The configured sandbox. Workspaces under the private data directory need a way in: the sandbox
 * user may pass through the data directory (0711), never list it; what Parley keeps there stays
 * private (the database and key files are 0600).
 */
export async function createSandbox(
  config: SandboxConfig,
  options: { dataDirectory: string; logger: Logger },
): Promise<Sandbox> {
  if (isInside(config.workspaceRoot, options.dataDirectory)) {
    await allowTraversal(options.dataDirectory);
  }
  return sandboxFor(config, options.logger);
}

function sandboxFor(config: SandboxConfig, logger: Logger): Sandbox {
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

function isInside(path: string, directory: string): boolean {
  const relativePath = relative(resolve(directory), resolve(path));
  return relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath);
}
