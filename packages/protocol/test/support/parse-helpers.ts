/** Helpers the parsing tests share: a deeply frozen input, and the InvalidEventError a call throws. */
import { InvalidEventError } from '../../src/v0/invalid-event-error.js';

/** Freezes a value and everything in it, so a parser that writes to its input throws. */
export function deepFreeze<Value>(value: Value): Value {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The InvalidEventError `run` throws; any other outcome fails the test. */
export function captureError(run: () => unknown): InvalidEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}
