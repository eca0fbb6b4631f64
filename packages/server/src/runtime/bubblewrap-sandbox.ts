/**
 * Commands in a bubblewrap sandbox on this host (`bwrap`, Debian package `bubblewrap`), under
 * kernel limits set by util-linux `prlimit`, started as an unprivileged host user when Parley is
 * root. On first use it checks that both programs exist and that a sandbox actually starts;
 * until then every call fails with `SANDBOX_UNAVAILABLE`, saying what to install or allow.
 */
import { join } from 'node:path';
import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  bubblewrapArguments,
  sandboxWorkspaceDirectory,
  type SystemEntry,
} from './bubblewrap-arguments.js';
import {
  commandEnvironment,
  resolveTimeout,
  resolveWorkingDirectory,
  sandboxPath,
  validateCommand,
} from './command-options.js';
import { findExecutable } from './find-executable.js';
import { LocalWorkspaces, validateWorkspaceId } from './local-workspaces.js';
import { readSystemEntries, writeMinimalEtc } from './minimal-etc.js';
import { prlimitArguments } from './resource-limits.js';
import { runCommand, startCommand, type CommandInput } from './command-input.js';
import { runProcess, type ProcessControl } from './run-process.js';
import { RunningCommands } from './running-commands.js';
import {
  defaultSandboxLimits,
  type RunOptions,
  type RunResult,
  type Sandbox,
  type SandboxLimits,
  type StartedCommand,
  type StartOptions,
  type Workspace,
} from './sandbox.js';
import { resolveSandboxUser, type SandboxUser } from './sandbox-user.js';

export interface BubblewrapSandboxOptions {
  /** Workspaces are `<workspaceRoot>/<id>`; the generated /etc is `<workspaceRoot>/.sandbox-etc`. */
  readonly workspaceRoot: string;
  /** Share the host's network with commands. Default: no network at all. */
  readonly network?: boolean;
  readonly limits?: Partial<SandboxLimits>;
  /** The host user commands run as when Parley is root. Default 65534:65534. */
  readonly user?: SandboxUser;
  /** Default: `bwrap` in the system PATH. */
  readonly bubblewrapPath?: string;
  /** Default: `prlimit` in the system PATH. */
  readonly prlimitPath?: string;
  readonly logger: Logger;
}

interface Prepared {
  readonly bubblewrap: string;
  readonly prlimit: string;
  readonly systemEntries: readonly SystemEntry[];
  readonly etcDirectory: string;
}

export const bubblewrapInstallHint =
  'Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)';

export class BubblewrapSandbox implements Sandbox {
  readonly kind = 'bubblewrap';
  readonly limits: SandboxLimits;
  readonly #options: BubblewrapSandboxOptions;
  readonly #user: SandboxUser | undefined;
  readonly #workspaces: LocalWorkspaces;
  readonly #running = new RunningCommands();
  #prepared: Promise<Prepared> | undefined;

  constructor(options: BubblewrapSandboxOptions) {
    this.#options = options;
    this.limits = Object.freeze({ ...defaultSandboxLimits, ...options.limits });
    this.#user = resolveSandboxUser(options.user);
    this.#workspaces = new LocalWorkspaces(options.workspaceRoot, this.#user);
  }

  async ensureWorkspace(workspaceId: string, options: { signal?: AbortSignal } = {}) {
    await this.#workspaces.ensure(workspaceId, options.signal);
    return { id: workspaceId, directory: sandboxWorkspaceDirectory } satisfies Workspace;
  }

  async removeWorkspace(workspaceId: string): Promise<void> {
    validateWorkspaceId(workspaceId);
    await this.#running.endWorkspace(workspaceId, 'The workspace is being removed');
    await this.#workspaces.remove(workspaceId);
  }

  run(workspaceId: string, command: string, options: RunOptions = {}): Promise<RunResult> {
    const { stdin, ...rest } = options;
    return runCommand(stdin, (input) => this.#launch(workspaceId, command, rest, input));
  }

  start(workspaceId: string, command: string, options: StartOptions = {}): StartedCommand {
    return startCommand((input) => this.#launch(workspaceId, command, options, input));
  }

  async close(): Promise<void> {
    await this.#running.close('The sandbox is closing');
  }

  async #launch(
    workspaceId: string,
    command: string,
    options: StartOptions,
    input: CommandInput | undefined,
  ): Promise<RunResult> {
    validateWorkspaceId(workspaceId);
    validateCommand(command);
    const cwd = resolveWorkingDirectory(sandboxWorkspaceDirectory, options.cwd);
    const env = commandEnvironment(sandboxWorkspaceDirectory, options.env);
    const timeoutMs = resolveTimeout(options.timeoutMs, this.limits.timeoutMs);
    return this.#running.track(workspaceId, options.signal, async (signal) => {
      const prepared = await this.#prepare();
      const workspacePath = await this.#workspaces.ensure(workspaceId, signal);
      return this.#spawn(prepared, workspacePath, cwd, env, command, {
        timeoutMs,
        signal,
        ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
        ...(options.onStdout === undefined ? {} : { onStdout: options.onStdout }),
        ...(input === undefined ? {} : { input }),
      });
    });
  }

  #spawn(
    prepared: Prepared,
    workspacePath: string,
    cwd: string,
    env: Readonly<Record<string, string>>,
    command: string,
    control: Omit<ProcessControl, 'killGraceMs' | 'outputBytes'>,
  ): Promise<RunResult> {
    const sandboxArguments = bubblewrapArguments({
      workspacePath,
      etcDirectory: prepared.etcDirectory,
      systemEntries: prepared.systemEntries,
      cwd,
      network: this.#options.network === true,
      tmpBytes: this.limits.tmpBytes,
      env,
      command,
      mergeStandardError: control.onStdout === undefined,
    });
    return runProcess(
      {
        file: prepared.prlimit,
        args: [...prlimitArguments(this.limits), prepared.bubblewrap, ...sandboxArguments],
        cwd: '/',
        env: { PATH: sandboxPath },
        user: this.#user,
      },
      { ...control, killGraceMs: this.limits.killGraceMs, outputBytes: this.limits.outputBytes },
    );
  }

  /** Finds the programs, writes the generated /etc and starts one empty sandbox, once. */
  #prepare(): Promise<Prepared> {
    if (this.#prepared === undefined) {
      this.#prepared = this.#check();
      // A failed check is repeated on the next call: the operator may have fixed it meanwhile.
      this.#prepared.catch(() => {
        this.#prepared = undefined;
      });
    }
    return this.#prepared;
  }

  async #check(): Promise<Prepared> {
    const bubblewrap = await findExecutable(this.#options.bubblewrapPath ?? 'bwrap');
    if (bubblewrap === undefined) {
      throw new ParleyError(
        'SANDBOX_UNAVAILABLE',
        `Commands cannot run: bubblewrap (bwrap) is not installed. ${bubblewrapInstallHint}, ` +
          'or set PARLEY_SANDBOX=unsandboxed to run commands without isolation (unsafe).',
      );
    }
    const prlimit = await findExecutable(this.#options.prlimitPath ?? 'prlimit');
    if (prlimit === undefined) {
      throw new ParleyError(
        'SANDBOX_UNAVAILABLE',
        'Commands cannot run: prlimit is not installed (Debian/Ubuntu: apt-get install util-linux).',
      );
    }
    const etcDirectory = join(this.#workspaces.root, '.sandbox-etc');
    await writeMinimalEtc(etcDirectory);
    const prepared: Prepared = {
      bubblewrap,
      prlimit,
      systemEntries: await readSystemEntries(),
      etcDirectory,
    };
    // An empty sandbox over the generated /etc proves namespaces work and the root is reachable.
    const probe = await this.#spawn(prepared, etcDirectory, sandboxWorkspaceDirectory, {}, 'true', {
      timeoutMs: 30_000,
    });
    if (probe.exitCode !== 0) {
      const user = this.#user === undefined ? 'this user' : `uid ${this.#user.uid}`;
      throw new ParleyError(
        'SANDBOX_UNAVAILABLE',
        `Commands cannot run: bubblewrap could not start a sandbox (${probe.output.trim()}). ` +
          `It needs unprivileged user namespaces, and ${user} must be able to reach ` +
          `${this.#workspaces.root}.`,
      );
    }
    this.#options.logger.info(
      { bubblewrap, network: this.#options.network === true, user: this.#user },
      'sandbox ready',
    );
    return prepared;
  }
}
