// A worker module for worker-pool tests, in plain JavaScript because a worker thread cannot load
// TypeScript. It speaks the protocol documented in src/shared/worker-pool.ts:
// parent → worker { id, taskName, input }; worker → parent { id, ok: true, output } or
// { id, ok: false, message }.
import { parentPort, threadId } from 'node:worker_threads';

/** Blocks until slot 0 of `gate` (an Int32Array over a SharedArrayBuffer) is no longer 0. */
function waitForGate(gate) {
  while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0);
}

const handlers = {
  echo: (input) => input,
  threadId: () => threadId,
  add: ({ left, right }) => left + right,
  fail: (input) => {
    throw new Error(`Handler failed: ${input}`);
  },
  // Exits the worker without answering.
  crash: () => process.exit(1),
  // Throws outside the handler, as an uncaught exception.
  throwUncaught: () => {
    setTimeout(() => {
      throw new Error('Uncaught in worker');
    }, 0);
    return new Promise(() => {});
  },
  // Counts calls in slot 0 of `counter`, then returns the new count.
  count: ({ counter }) => Atomics.add(counter, 0, 1) + 1,
  // Marks `started` then waits for `gate` to open; returns `output`.
  gated: ({ started, gate, output }) => {
    Atomics.store(started, 0, 1);
    waitForGate(gate);
    return output;
  },
  // Marks `started` then spins forever; only termination stops it.
  spin: ({ started }) => {
    Atomics.store(started, 0, 1);
    for (;;) {
      // busy loop
    }
  },
  unclonable: () => () => 'functions cannot be cloned',
};

parentPort.on('message', async ({ id, taskName, input }) => {
  let response;
  try {
    const handler = Object.hasOwn(handlers, taskName) ? handlers[taskName] : undefined;
    if (handler === undefined) throw new Error(`Unknown worker task "${taskName}"`);
    response = { id, ok: true, output: await handler(input) };
  } catch (error) {
    response = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  try {
    parentPort.postMessage(response);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: `Cannot send the output: ${error.message}` });
  }
});
