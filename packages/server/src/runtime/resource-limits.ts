/**
 * Kernel resource limits for a command, set with util-linux `prlimit`, which sets them on itself
 * and then runs the rest of its command line (bubblewrap, or the shell), so they are inherited by
 * everything the command starts. No core dumps (they would land in the workspace).
 */
import type { SandboxLimits } from './sandbox.js';

export function prlimitArguments(limits: SandboxLimits): string[] {
  return [
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
  ];
}
