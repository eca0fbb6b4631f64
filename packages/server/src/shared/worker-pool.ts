/**
 * A small worker_threads pool for CPU-heavy work (upstream's `call_sync_from_async`, but off the
 * event loop for real).
 *
 * Message protocol (the worker module must speak it; `serveWorkerTasks` in
 * `worker-pool-entry.ts` does):
 *
 * - parent → worker: `{ id, taskName, input }` (`WorkerTaskRequest`), one at a time per worker.
 * - worker → parent: `{ id, ok: true, output }` or `{ id, ok: false, message }`
 *   (`WorkerTaskResponse`), exactly one per request, echoing its `id`.
 *
 * `input` and `output` travel by structured clone (no functions, class instances lose their
 * prototype). A worker that exits or throws an uncaught error fails its task with
 * `WORKER_FAILURE` and is discarded; a new worker is started when a task next needs one, so a
 * module that crashes on load cannot cause a restart loop.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { abortedErrorFrom } from './abort.js';
import { AbortedError, ParleyError, describeError } from './errors.js';

export interface WorkerTaskRequest {
  id: number;
  taskName: string;
  input: unknown;
}

export type WorkerTaskResponse =
  { id: number; ok: true; output: unknown } | { id: number; ok: false; message: string };

export interface WorkerPoolOptions {
  /** How many workers at most; defaults to `max(1, os.availableParallelism() - 1)`. */
  size?: number;
  /** The worker's ES module (compiled `.js`/`.mjs`; a worker thread cannot load `.ts`). */
  workerModuleUrl: URL;
}

export interface WorkerRunOptions {
  signal?: AbortSignal;
}

export interface WorkerPool {
  readonly size: number;
  /**
   * Runs the handler `taskName` on `input` in a worker. FIFO-queued while every worker is busy.
   * `TOutput` is not checked: it is whatever the handler returned, after structured clone.
   * Rejects with `AbortedError` when `signal` fires (queued: the task is dropped; running: the
   * worker is terminated and later replaced) or the pool is closed, and with
   * `ParleyError('WORKER_FAILURE')` when the handler throws or the worker dies.
   */
  run<TInput, TOutput>(
    taskName: string,
    input: TInput,
    options?: WorkerRunOptions,
  ): Promise<TOutput>;
  /** Rejects queued and running tasks with `AbortedError('Worker pool closed')`, ends workers. */
  close(): Promise<void>;
}

interface PendingTask {
  request: WorkerTaskRequest;
  signal: AbortSignal | undefined;
  resolve: (output: unknown) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}

interface Slot {
  worker: Worker;
  task: PendingTask | undefined;
  /** The uncaught error the worker reported, if any, before it exits. */
  crashError: Error | undefined;
}

const closedMessage = 'Worker pool closed';

export function defaultWorkerPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const size = options.size ?? defaultWorkerPoolSize();
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`createWorkerPool: size must be a positive integer, got ${size}`);
  }
  const { workerModuleUrl } = options;
  const slots = new Set<Slot>();
  const queue: PendingTask[] = [];
  let nextId = 1;
  let closing: Promise<void> | undefined;

  function startWorker(): Slot {
    const worker = new Worker(workerModuleUrl);
    const slot: Slot = { worker, task: undefined, crashError: undefined };
    // Idle workers must not keep the process alive.
    worker.unref();
    worker.on('message', (message: unknown) => onMessage(slot, message));
    worker.on('error', (error: Error) => {
      slot.crashError = error;
    });
    worker.on('exit', (exitCode: number) => onExit(slot, exitCode));
    slots.add(slot);
    return slot;
  }

  /** Forgets a worker and terminates it; its events no longer matter. */
  function discard(slot: Slot): Promise<void> {
    slots.delete(slot);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => {});
    return slot.worker.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  function finishTask(slot: Slot, task: PendingTask): void {
    task.signal?.removeEventListener('abort', task.onAbort);
    if (slot.task === task) {
      slot.task = undefined;
      slot.worker.unref();
    }
  }

  function onMessage(slot: Slot, message: unknown): void {
    const task = slot.task;
    if (task === undefined || !isResponse(message) || message.id !== task.request.id) return;
    finishTask(slot, task);
    if (message.ok) task.resolve(message.output);
    else task.reject(new ParleyError('WORKER_FAILURE', message.message));
    dispatch();
  }

  function onExit(slot: Slot, exitCode: number): void {
    if (!slots.has(slot)) return;
    slots.delete(slot);
    const task = slot.task;
    if (task !== undefined) {
      finishTask(slot, task);
      const reason =
        slot.crashError === undefined
          ? `Worker exited with code ${exitCode} while running task "${task.request.taskName}"`
          : `Worker crashed while running task "${task.request.taskName}": ${slot.crashError.message}`;
      task.reject(new ParleyError('WORKER_FAILURE', reason, { cause: slot.crashError }));
    }
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0 && closing === undefined) {
      let slot = [...slots].find((candidate) => candidate.task === undefined);
      if (slot === undefined) {
        if (slots.size >= size) return;
        slot = startWorker();
      }
      const task = queue.shift() as PendingTask;
      slot.task = task;
      slot.worker.ref();
      try {
        slot.worker.postMessage(task.request);
      } catch (error) {
        // The input could not be cloned; the worker never saw the task.
        finishTask(slot, task);
        task.reject(
          new ParleyError(
            'WORKER_FAILURE',
            `Cannot send input of task "${task.request.taskName}" to a worker: ${describeError(error)}`,
            { cause: error },
          ),
        );
      }
    }
  }

  function run<TInput, TOutput>(
    taskName: string,
    input: TInput,
    runOptions: WorkerRunOptions = {},
  ): Promise<TOutput> {
    const { signal } = runOptions;
    if (closing !== undefined) return Promise.reject(new AbortedError(closedMessage));
    if (signal?.aborted === true) return Promise.reject(abortedErrorFrom(signal));
    return new Promise<TOutput>((resolve, reject) => {
      const task: PendingTask = {
        request: { id: nextId++, taskName, input },
        signal,
        resolve: resolve as (output: unknown) => void,
        reject,
        onAbort: () => {
          const queuedAt = queue.indexOf(task);
          if (queuedAt !== -1) {
            queue.splice(queuedAt, 1);
          } else {
            const slot = [...slots].find((candidate) => candidate.task === task);
            if (slot !== undefined) {
              // JavaScript in a worker cannot be interrupted: end the worker, start another later.
              finishTask(slot, task);
              void discard(slot);
            }
          }
          reject(abortedErrorFrom(signal as AbortSignal));
          dispatch();
        },
      };
      signal?.addEventListener('abort', task.onAbort, { once: true });
      queue.push(task);
      dispatch();
    });
  }

  function close(): Promise<void> {
    if (closing !== undefined) return closing;
    const pending = [
      ...queue.splice(0),
      ...[...slots].flatMap((slot) => (slot.task === undefined ? [] : [slot.task])),
    ];
    const terminations = [...slots].map((slot) => {
      slot.task = undefined;
      return discard(slot);
    });
    for (const task of pending) {
      task.signal?.removeEventListener('abort', task.onAbort);
      task.reject(new AbortedError(closedMessage));
    }
    closing = Promise.all(terminations).then(() => undefined);
    return closing;
  }

  return { size, run, close };
}

function isResponse(message: unknown): message is WorkerTaskResponse {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Record<string, unknown>;
  if (typeof candidate['id'] !== 'number') return false;
  if (candidate['ok'] === true) return true;
  return candidate['ok'] === false && typeof candidate['message'] === 'string';
}
