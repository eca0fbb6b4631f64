import { afterEach, describe, expect, it, vi } from 'vitest';

import { AbortedError, ParleyError } from './errors.js';
import { runWorkerTask } from './worker-pool-entry.js';
import { createWorkerPool, defaultWorkerPoolSize } from './worker-pool.js';
import type { WorkerPool } from './worker-pool.js';

const workerModuleUrl = new URL('../../test/support/test-worker.mjs', import.meta.url);

/** A flag shared with workers: slot 0 is 0 until set. */
function sharedFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

function openGate(gate: Int32Array): void {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}

async function waitUntilSet(flag: Int32Array): Promise<void> {
  await vi.waitFor(() => expect(Atomics.load(flag, 0)).toBe(1), { timeout: 10_000 });
}

describe('createWorkerPool', () => {
  const pools: WorkerPool[] = [];
  function openPool(size: number): WorkerPool {
    const pool = createWorkerPool({ size, workerModuleUrl });
    pools.push(pool);
    return pool;
  }
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });

  it('runs a named task in a worker and returns its output', async () => {
    const pool = openPool(2);
    await expect(pool.run('add', { left: 2, right: 3 })).resolves.toBe(5);
    await expect(pool.run('echo', { nested: [1, 'two'] })).resolves.toEqual({ nested: [1, 'two'] });
  });

  it('uses at most size workers and queues the rest in FIFO order', async () => {
    const pool = openPool(1);
    const started = sharedFlag();
    const gate = sharedFlag();
    const finished: string[] = [];
    const track = (name: string, promise: Promise<unknown>): Promise<unknown> =>
      promise.then(() => finished.push(name));
    const runs = [
      track('first', pool.run('gated', { started, gate, output: 'first' })),
      track('second', pool.run('echo', 'second')),
      track('third', pool.run('echo', 'third')),
    ];
    await waitUntilSet(started);
    expect(finished).toEqual([]);
    openGate(gate);
    await Promise.all(runs);
    expect(finished).toEqual(['first', 'second', 'third']);
  });

  it('runs tasks on several workers at once', async () => {
    const pool = openPool(2);
    const startedA = sharedFlag();
    const startedB = sharedFlag();
    const gate = sharedFlag();
    const first = pool.run('gated', { started: startedA, gate, output: 'a' });
    const second = pool.run('gated', { started: startedB, gate, output: 'b' });
    // Both started while neither can finish: they run on two workers.
    await waitUntilSet(startedA);
    await waitUntilSet(startedB);
    openGate(gate);
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'b']);
  });

  it('rejects with WORKER_FAILURE and the original message when a handler throws', async () => {
    const pool = openPool(1);
    const threadId = await pool.run<undefined, number>('threadId', undefined);
    const failing = pool.run('fail', 'bad input');
    await expect(failing).rejects.toBeInstanceOf(ParleyError);
    await expect(failing).rejects.toMatchObject({
      code: 'WORKER_FAILURE',
      message: 'Handler failed: bad input',
    });
    // The worker survives a handler error.
    await expect(pool.run('threadId', undefined)).resolves.toBe(threadId);
  });

  it('rejects with WORKER_FAILURE for an unknown task or an unclonable output', async () => {
    const pool = openPool(1);
    await expect(pool.run('nope', 1)).rejects.toMatchObject({
      code: 'WORKER_FAILURE',
      message: 'Unknown worker task "nope"',
    });
    await expect(pool.run('unclonable', 1)).rejects.toMatchObject({ code: 'WORKER_FAILURE' });
  });

  it('rejects with WORKER_FAILURE when the input cannot be cloned, and keeps going', async () => {
    const pool = openPool(1);
    await expect(pool.run('echo', () => 'a function')).rejects.toMatchObject({
      code: 'WORKER_FAILURE',
    });
    await expect(pool.run('echo', 'next')).resolves.toBe('next');
  });

  it('fails the task and replaces the worker when the worker exits', async () => {
    const pool = openPool(1);
    const threadId = await pool.run<undefined, number>('threadId', undefined);
    const started = sharedFlag();
    const gate = sharedFlag();
    // Queued behind the crash; must run on the replacement worker.
    const crashing = pool.run('crash', undefined);
    const queued = pool.run('gated', { started, gate, output: 'after crash' });
    await expect(crashing).rejects.toBeInstanceOf(ParleyError);
    await expect(crashing).rejects.toMatchObject({
      code: 'WORKER_FAILURE',
      message: expect.stringContaining('exited with code 1') as unknown,
    });
    openGate(gate);
    await expect(queued).resolves.toBe('after crash');
    const newThreadId = await pool.run<undefined, number>('threadId', undefined);
    expect(newThreadId).not.toBe(threadId);
  });

  it('fails the task with the error message on an uncaught error in the worker', async () => {
    const pool = openPool(1);
    await expect(pool.run('throwUncaught', undefined)).rejects.toMatchObject({
      code: 'WORKER_FAILURE',
      message: expect.stringContaining('Uncaught in worker') as unknown,
    });
    await expect(pool.run('echo', 'still serving')).resolves.toBe('still serving');
  });

  it('rejects without queuing when the signal is already aborted', async () => {
    const pool = openPool(1);
    const counter = sharedFlag();
    const aborted = pool.run('count', { counter }, { signal: AbortSignal.abort('early') });
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await expect(aborted).rejects.toMatchObject({ cause: 'early' });
    await expect(pool.run('count', { counter })).resolves.toBe(1);
  });

  it('removes a queued task whose signal aborts', async () => {
    const pool = openPool(1);
    const started = sharedFlag();
    const gate = sharedFlag();
    const counter = sharedFlag();
    const controller = new AbortController();
    const running = pool.run('gated', { started, gate, output: 'running' });
    const queued = pool.run('count', { counter }, { signal: controller.signal });
    const afterIt = pool.run('count', { counter });
    await waitUntilSet(started);
    controller.abort('not needed');
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    openGate(gate);
    await expect(running).resolves.toBe('running');
    // The aborted task never ran: the next one is the first to count.
    await expect(afterIt).resolves.toBe(1);
    expect(Atomics.load(counter, 0)).toBe(1);
  });

  it('rejects at once and replaces the worker when a running task is aborted', async () => {
    const pool = openPool(1);
    const threadId = await pool.run<undefined, number>('threadId', undefined);
    const started = sharedFlag();
    const controller = new AbortController();
    const spinning = pool.run('spin', { started }, { signal: controller.signal });
    await waitUntilSet(started);
    controller.abort('too slow');
    await expect(spinning).rejects.toBeInstanceOf(AbortedError);
    await expect(spinning).rejects.toMatchObject({ cause: 'too slow' });
    const newThreadId = await pool.run<undefined, number>('threadId', undefined);
    expect(newThreadId).not.toBe(threadId);
  });

  it('close rejects running and queued tasks, and run afterwards rejects', async () => {
    const pool = openPool(1);
    const started = sharedFlag();
    const gate = sharedFlag();
    const running = pool.run('gated', { started, gate, output: 'never' });
    const queued = pool.run('echo', 'never either');
    await waitUntilSet(started);
    const closing = pool.close();
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    await expect(running).rejects.toMatchObject({ message: 'Worker pool closed' });
    await expect(queued).rejects.toMatchObject({ message: 'Worker pool closed' });
    await expect(closing).resolves.toBeUndefined();
    await expect(pool.close()).resolves.toBeUndefined();
    await expect(pool.run('echo', 'late')).rejects.toBeInstanceOf(AbortedError);
  });

  it('close on an unused pool resolves', async () => {
    const pool = openPool(3);
    await expect(pool.close()).resolves.toBeUndefined();
  });

  it('validates size and has a sensible default', () => {
    expect(() => createWorkerPool({ size: 0, workerModuleUrl })).toThrow(RangeError);
    expect(() => createWorkerPool({ size: 1.5, workerModuleUrl })).toThrow(RangeError);
    expect(defaultWorkerPoolSize()).toBeGreaterThanOrEqual(1);
    const pool = createWorkerPool({ workerModuleUrl });
    pools.push(pool);
    expect(pool.size).toBe(defaultWorkerPoolSize());
  });
});

describe('runWorkerTask (worker-pool-entry protocol)', () => {
  const handlers = {
    double: (input: unknown) => (input as number) * 2,
    later: async (input: unknown) => {
      await Promise.resolve();
      return `later ${String(input)}`;
    },
    fail: () => {
      throw new Error('handler broke');
    },
  };

  it('answers with ok: true and the output', async () => {
    await expect(
      runWorkerTask(handlers, { id: 4, taskName: 'double', input: 21 }),
    ).resolves.toEqual({ id: 4, ok: true, output: 42 });
    await expect(runWorkerTask(handlers, { id: 5, taskName: 'later', input: 1 })).resolves.toEqual({
      id: 5,
      ok: true,
      output: 'later 1',
    });
  });

  it('answers with ok: false and the message on failure', async () => {
    await expect(
      runWorkerTask(handlers, { id: 6, taskName: 'fail', input: null }),
    ).resolves.toEqual({ id: 6, ok: false, message: 'handler broke' });
    await expect(
      runWorkerTask(handlers, { id: 7, taskName: 'toString', input: null }),
    ).resolves.toEqual({ id: 7, ok: false, message: 'Unknown worker task "toString"' });
    await expect(runWorkerTask(handlers, { id: 8 })).resolves.toEqual({
      id: 8,
      ok: false,
      message: 'Malformed worker task request',
    });
  });
});
