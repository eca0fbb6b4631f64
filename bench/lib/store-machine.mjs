// @ts-check
// What the store benchmark ran on, for the JSON result and docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import os from 'node:os';

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** True when `taskset` can be run (util-linux); pinning is skipped otherwise. */
export function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * tmpfs makes fdatasync free and the durable comparison meaningless: say so.
 * @param {string} path
 */
export function fileSystemOf(path) {
  try {
    const stats = statfsSync(path);
    /** @type {Record<number, string>} */
    const names = {
      0xef53: 'ext2/3/4',
      0x01021994: 'tmpfs',
      0x58465342: 'xfs',
      0x9123683e: 'btrfs',
      0x794c7630: 'overlayfs',
    };
    return names[stats.type] ?? `0x${stats.type.toString(16)}`;
  } catch {
    return 'unknown';
  }
}
