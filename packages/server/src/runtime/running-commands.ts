/**
 * The commands running in each workspace, so removing a workspace, or closing the sandbox, can
 * end them (and wait for them) first.
 */
import { combineSignals } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';

interface RunningCommand {
  readonly controller: AbortController;
  readonly settled: Promise<unknown>;
}

export class RunningCommands {
  readonly #byWorkspace = new Map<string, Set<RunningCommand>>();
  #closed = false;

  /**
   * Runs `task` with a signal that fires on `signal` or when the workspace is removed or the
   * sandbox closed; refuses new work once closed.
   */
  async track<T>(
    workspaceId: string,
    signal: AbortSignal | undefined,
    task: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) {
      throw new ParleyError('SERVER_SHUTTING_DOWN', 'The sandbox is closed');
    }
    const controller = new AbortController();
    const promise = task(combineSignals(signal, controller.signal));
    const command: RunningCommand = { controller, settled: promise.catch(() => undefined) };
    let commands = this.#byWorkspace.get(workspaceId);
    if (commands === undefined) {
      commands = new Set();
      this.#byWorkspace.set(workspaceId, commands);
    }
    commands.add(command);
    try {
      return await promise;
    } finally {
      commands.delete(command);
      if (commands.size === 0 && this.#byWorkspace.get(workspaceId) === commands) {
        this.#byWorkspace.delete(workspaceId);
      }
    }
  }

  /** Aborts the workspace's commands and waits until they have ended. */
  async endWorkspace(workspaceId: string, reason: string): Promise<void> {
    const commands = [...(this.#byWorkspace.get(workspaceId) ?? [])];
    for (const command of commands) command.controller.abort(new Error(reason));
    await Promise.all(commands.map((command) => command.settled));
  }

  /** Refuses new commands, aborts every running one and waits until they have ended. */
  async close(reason: string): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#byWorkspace.keys()].map((id) => this.endWorkspace(id, reason)));
  }
}
