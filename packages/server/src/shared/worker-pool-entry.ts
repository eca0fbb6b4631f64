/**
 * The worker side of the worker-pool protocol (documented in `worker-pool.ts`). A worker module
 * registers its handlers once:
 *
 *   serveWorkerTasks({ tokenize: (input) => tokenize(input as string) });
 *
 * This file runs inside worker threads, so only its compiled form (dist/) is usable there.
 */
import { parentPort } from 'node:worker_threads';

import { describeError } from './errors.js';
import type { WorkerTaskRequest, WorkerTaskResponse } from './worker-pool.js';

export type WorkerTaskHandler = (input: unknown) => unknown | Promise<unknown>;

/** Answers the pool's requests with `handlers[taskName](input)`, one response per request. */
export function serveWorkerTasks(handlers: Record<string, WorkerTaskHandler>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveWorkerTasks must be called inside a worker thread');
  port.on('message', (message: unknown) => {
    void runWorkerTask(handlers, message).then((response) => {
      try {
        port.postMessage(response);
      } catch (error) {
        // The output could not be cloned; report that instead.
        port.postMessage({
          id: response.id,
          ok: false,
          message: `Cannot send the output of the task to the pool: ${describeError(error)}`,
        } satisfies WorkerTaskResponse);
      }
    });
  });
}

/** Runs one request against `handlers` and builds its response; never rejects. */
export async function runWorkerTask(
  handlers: Record<string, WorkerTaskHandler>,
  message: unknown,
): Promise<WorkerTaskResponse> {
  if (!isRequest(message)) {
    const id =
      typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : 0;
    return {
      id: typeof id === 'number' ? id : 0,
      ok: false,
      message: 'Malformed worker task request',
    };
  }
  const { id, taskName, input } = message;
  const handler = Object.hasOwn(handlers, taskName) ? handlers[taskName] : undefined;
  if (handler === undefined) return { id, ok: false, message: `Unknown worker task "${taskName}"` };
  try {
    return { id, ok: true, output: await handler(input) };
  } catch (error) {
    return { id, ok: false, message: describeError(error) };
  }
}

function isRequest(message: unknown): message is WorkerTaskRequest {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Record<string, unknown>;
  return typeof candidate['id'] === 'number' && typeof candidate['taskName'] === 'string';
}
