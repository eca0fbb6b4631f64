import { describe, expect, it } from 'vitest';
import { bubblewrapArguments, type BubblewrapCommand } from './bubblewrap-arguments.js';

const base: BubblewrapCommand = {
  workspacePath: '/data/workspaces/w1',
  etcDirectory: '/data/workspaces/.sandbox-etc',
  systemEntries: [
    { kind: 'directory', path: '/usr' },
    { kind: 'symlink', path: '/bin', target: 'usr/bin' },
  ],
  cwd: '/workspace/sub',
  network: false,
  tmpBytes: 1024,
  env: { PATH: '/usr/bin', HOME: '/workspace' },
  command: 'echo hi',
};

/** The values that follow each occurrence of `option`. */
function valuesOf(args: string[], option: string, count = 1): string[][] {
  return args.flatMap((arg, index) =>
    arg === option ? [args.slice(index + 1, index + 1 + count)] : [],
  );
}

describe('bubblewrapArguments', () => {
  it('isolates everything, and shares the network only when allowed', () => {
    const args = bubblewrapArguments(base);
    for (const option of ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv']) {
      expect(args).toContain(option);
    }
    expect(args).not.toContain('--share-net');
    expect(args).not.toContain('/etc/resolv.conf');
    const networked = bubblewrapArguments({ ...base, network: true });
    expect(networked).toContain('--share-net');
    expect(networked).toContain('/etc/resolv.conf');
  });

  it('binds only the workspace writable, and never /etc wholesale or /etc/shadow', () => {
    const args = bubblewrapArguments(base);
    expect(valuesOf(args, '--bind', 2)).toEqual([['/data/workspaces/w1', '/workspace']]);
    const readOnly = [...valuesOf(args, '--ro-bind', 2), ...valuesOf(args, '--ro-bind-try', 2)];
    const targets = readOnly.map(([, target]) => target);
    expect(targets).toContain('/usr');
    expect(targets).toContain('/etc/passwd');
    expect(targets).not.toContain('/etc');
    expect(targets.filter((target) => target?.includes('shadow'))).toEqual([]);
    expect(valuesOf(args, '--symlink', 2)).toEqual([['usr/bin', '/bin']]);
    expect(valuesOf(args, '--tmpfs')).toEqual([['/dev/shm'], ['/tmp']]);
    expect(valuesOf(args, '--size')).toEqual([['1024'], ['1024']]);
    expect(valuesOf(args, '--remount-ro')).toEqual([['/dev'], ['/']]);
  });

  it('sets the environment after clearing it and runs the command with sh -c', () => {
    const args = bubblewrapArguments(base);
    expect(args.indexOf('--clearenv')).toBeLessThan(args.indexOf('--setenv'));
    expect(valuesOf(args, '--setenv', 2)).toEqual([
      ['PATH', '/usr/bin'],
      ['HOME', '/workspace'],
    ]);
    expect(valuesOf(args, '--chdir')).toEqual([['/workspace/sub']]);
    expect(args.slice(-4)).toEqual(['--', '/bin/sh', '-c', 'exec 2>&1\necho hi']);
  });
});
