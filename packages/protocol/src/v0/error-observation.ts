import type { ErrorObservation } from './observation-event.js';

/** Upstream `ErrorObservation(content, error_id)` before it is stored; `message` equals `content`. */
export function errorObservation(content: string, errorId = ''): ErrorObservation {
  return {
    message: content,
    observation: 'error',
    content,
    extras: { error_id: errorId },
  };
}
