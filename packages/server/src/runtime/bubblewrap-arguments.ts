/**
 * The bubblewrap command line for one command. Every namespace is new (no network unless
 * allowed); the system is read-only (`/usr` and the `/bin`, `/lib*` links or directories); `/etc`
 * holds a generated `passwd`, `group`, `hosts` and `nsswitch.conf` plus the few host files
 * programs need (never `shadow`); `/tmp` and `/dev/shm` are private size-capped tmpfs; `/proc` and
 * `/dev` are the sandbox's own; only the workspace is writable, at `/workspace`. The environment is cleared
 * and rebuilt from `env`.
 */

/** Where the workspace appears inside the sandbox. */
export const sandboxWorkspaceDirectory = '/workspace';

/** Inside the sandbox, commands run as this uid/gid, named `sandbox`. */
export const sandboxInsideId = 1000;

/** A top-level host path and what it is: bound read-only, or recreated as the same symlink. */
export type SystemEntry =
  | { readonly kind: 'directory'; readonly path: string }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

/** Host files under /etc that programs read and that hold nothing private. */
export const hostEtcFiles: readonly string[] = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/protocols',
  '/etc/services',
  '/etc/mime.types',
  '/etc/ssl/certs',
  '/etc/ca-certificates',
];

/** Generated files (see `minimal-etc.ts`), bound read-only into /etc. */
export const generatedEtcFiles: readonly string[] = ['passwd', 'group', 'hosts', 'nsswitch.conf'];

export interface BubblewrapCommand {
  /** Host path of the workspace. */
  readonly workspacePath: string;
  /** Host directory holding `generatedEtcFiles`. */
  readonly etcDirectory: string;
  /** `/usr` and the top-level `/bin`, `/sbin`, `/lib*` entries as they are on the host. */
  readonly systemEntries: readonly SystemEntry[];
  /** The working directory inside the sandbox (under `sandboxWorkspaceDirectory`). */
  readonly cwd: string;
  readonly network: boolean;
  readonly tmpBytes: number;
  /** The complete environment inside the sandbox. */
  readonly env: Readonly<Record<string, string>>;
  readonly command: string;
  /** Standard error joins standard output (default); false keeps them apart (raw stdout). */
  readonly mergeStandardError?: boolean;
}

/** The arguments after `bwrap`. */
export function bubblewrapArguments(options: BubblewrapCommand): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    ...(options.network ? ['--share-net'] : []),
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(sandboxInsideId),
    '--gid',
    String(sandboxInsideId),
    '--hostname',
    'sandbox',
  ];
  for (const entry of options.systemEntries) {
    if (entry.kind === 'directory') args.push('--ro-bind', entry.path, entry.path);
    else args.push('--symlink', entry.target, entry.path);
  }
  args.push('--dir', '/etc');
  for (const name of generatedEtcFiles) {
    args.push('--ro-bind', `${options.etcDirectory}/${name}`, `/etc/${name}`);
  }
  for (const path of hostEtcFiles) args.push('--ro-bind-try', path, path);
  if (options.network) args.push('--ro-bind-try', '/etc/resolv.conf', '/etc/resolv.conf');
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(options.tmpBytes),
    '--tmpfs',
    '/dev/shm',
    '--size',
    String(options.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--bind',
    options.workspacePath,
    sandboxWorkspaceDirectory,
    // The root (and /etc in it) and /dev are unbounded tmpfs: read-only. The mounts on them
    // (the workspace, /tmp, /dev/shm, the device nodes) keep their own modes.
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    options.cwd,
    '--clearenv',
  );
  for (const [name, value] of Object.entries(options.env)) args.push('--setenv', name, value);
  args.push('--', '/bin/sh', '-c', shellScript(options.command, options.mergeStandardError));
  return args;
}

/**
 * The shell's script: the command, after `exec 2>&1` unless `mergeStandardError` is false, so
 * standard error joins standard output in order, inside the command's own shell.
 */
export function shellScript(command: string, mergeStandardError = true): string {
  return mergeStandardError ? `exec 2>&1\n${command}` : command;
}
