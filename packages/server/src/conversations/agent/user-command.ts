import { errorObservation, type ObservationEvent } from '@parley/protocol';
import type { StoredEvent } from '../../events/event-store.js';
import { isAbortError } from '../../shared/abort.js';
import type { Logger } from '../../shared/logger.js';
import type { LoopLog } from './loop-log.js';
import { outputDeltas } from './output-deltas.js';
import type { ToolRunOptions } from './tool-registry.js';
import type { TurnSettings } from './turn-runner.js';

const noRuntimeMessage =
  'There is no runtime for this conversation: commands cannot run, so this action was not executed.';

interface UserCommandParts {
  log: LoopLog;
  runUserCommand?:
    ((command: string, options: ToolRunOptions) => Promise<ObservationEvent>) | undefined;
  settings: Pick<TurnSettings, 'deltaIntervalMs' | 'deltaMaxChars'>;
  /** The loop's work outside turns: a stop or close aborts the command. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * A command the user typed (the stock UI's terminal sends a `run` action), once the action is in
 * the log: runs it in the conversation's shell outside any turn, its output streamed as deltas
 * caused by the action and answered by a `run` observation.
 */
export async function runUserCommand(
  action: StoredEvent,
  command: string,
  parts: UserCommandParts,
): Promise<void> {
  const { log, signal } = parts;
  const answer = (observation: ObservationEvent) =>
    log.append([{ ...observation, source: 'agent', cause: action.id }], signal);
  try {
    if (parts.runUserCommand === undefined) {
      await answer(errorObservation(noRuntimeMessage));
      return;
    }
    const deltas = outputDeltas({
      actionId: action.id,
      intervalMs: parts.settings.deltaIntervalMs,
      maxChars: parts.settings.deltaMaxChars,
      append: (events) => log.append(events, signal),
    });
    let observation: ObservationEvent;
    try {
      observation = await parts.runUserCommand(command, { signal, onOutput: deltas.onOutput });
    } finally {
      await deltas.finish();
    }
    await answer(observation);
  } catch (error) {
    if (signal.aborted || isAbortError(error)) return;
    parts.logger.error({ err: error }, 'user command failed');
  }
}
