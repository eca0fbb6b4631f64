/**
 * Commands straight on the host, without isolation: only when the operator asks for it out loud
 * (`PARLEY_SANDBOX=unsandboxed`, `acknowledgeNoIsolation: true`), and it says so in the log at
 * warn level. What it still does: an unprivileged host user when Parley is root, the minimal
 * environment (none of the server's variables), the workspace as working directory and HOME,
 * the resource limits (with `prlimit`, when installed), the timeout, the output cap and killing
 * the whole process group. What it cannot do: keep commands out of the rest of the file system,
 * the network or other processes of the same user.
 */
import type { Logger } from '../shared/logger.js';
import {
  commandEnvironment,
  resolveTimeout,
  resolveWorkingDirectory,
  validateCommand,
} from './command-options.js';
import { shellScript } from './bubblewrap-arguments.js';
import { runCommand, startCommand, type CommandInput } from './command-input.js';
import { findExecutable } from './find-executable.js';
import { LocalWorkspaces, validateWorkspaceId } from './local-workspaces.js';
import { prlimitArguments } from './resource-limits.js';
import { runProcess } from './run-process.js';
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

export interface UnsandboxedRunnerOptions {
  readonly workspaceRoot: string;
  /** Must be `true`: the operator knows commands run with no isolation. */
  readonly acknowledgeNoIsolation: true;
  readonly limits?: Partial<SandboxLimits>;
  /** The host user commands run as when Parley is root. Default 65534:65534. */
  readonly user?: SandboxUser;
  readonly logger: Logger;
}

export class UnsandboxedRunner implements Sandbox {
  readonly kind = 'unsandboxed';
  readonly limits: SandboxLimits;
  readonly #user: SandboxUser | undefined;
  readonly #workspaces: LocalWorkspaces;
  readonly #running = new RunningCommands();
  #prlimit: Promise<string | undefined> | undefined;

  constructor(options: UnsandboxedRunnerOptions) {
    if (options.acknowledgeNoIsolation !== true) {
      throw new TypeError('UnsandboxedRunner needs acknowledgeNoIsolation: true');
    }
    this.limits = Object.freeze({ ...defaultSandboxLimits, ...options.limits });
    this.#user = resolveSandboxUser(options.user);
    this.#workspaces = new LocalWorkspaces(options.workspaceRoot, this.#user);
    options.logger.warn(
      { workspaceRoot: this.#workspaces.root, user: this.#user },
      'COMMANDS RUN UNSANDBOXED: tool commands run directly on this host and can read, write ' +
        'and reach whatever the command user can (PARLEY_SANDBOX=unsandboxed). ' +
        'Use bubblewrap unless every user of this server is trusted.',
    );
  }

  async ensureWorkspace(workspaceId: string, options: { signal?: AbortSignal } = {}) {
    const path = await this.#workspaces.ensure(workspaceId, options.signal);
    return { id: workspaceId, directory: path } satisfies Workspace;
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

  async #launch(
    workspaceId: string,
    command: string,
    options: StartOptions,
    input: CommandInput | undefined,
  ): Promise<RunResult> {
    const workspacePath = this.#workspaces.pathOf(workspaceId);
    validateCommand(command);
    const cwd = resolveWorkingDirectory(workspacePath, options.cwd);
    const env = commandEnvironment(workspacePath, options.env);
    const timeoutMs = resolveTimeout(options.timeoutMs, this.limits.timeoutMs);
    return this.#running.track(workspaceId, options.signal, async (signal) => {
      this.#prlimit ??= findExecutable('prlimit');
      const prlimit = await this.#prlimit;
      await this.#workspaces.ensure(workspaceId, signal);
      const shell = ['/bin/sh', '-c', shellScript(command, options.onStdout === undefined)];
      return runProcess(
        {
          file: prlimit ?? '/bin/sh',
          args:
            prlimit === undefined ? shell.slice(1) : [...prlimitArguments(this.limits), ...shell],
          cwd,
          env,
          user: this.#user,
        },
        {
          timeoutMs,
          killGraceMs: this.limits.killGraceMs,
          outputBytes: this.limits.outputBytes,
          signal,
          ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
          ...(options.onStdout === undefined ? {} : { onStdout: options.onStdout }),
          ...(input === undefined ? {} : { input }),
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.#running.close('The runner is closing');
  }
}
