import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AbortedError, MultipleErrors, ParleyError, TimeoutError, errorCodes } from './errors.js';

const documentation = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  const entries = Object.entries(errorCodes);

  it('are UPPER_SNAKE_CASE with a 4xx/5xx status and a description', () => {
    for (const [code, { httpStatus, description }] of entries) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(httpStatus).toBeGreaterThanOrEqual(400);
      expect(httpStatus).toBeLessThan(600);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('are documented in docs/errors.md with the same status, and nothing else is', () => {
    const documented = [
      ...documentation.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm),
    ].map((match) => [match[1], Number(match[2])]);
    expect(documented).toEqual(entries.map(([code, { httpStatus }]) => [code, httpStatus]));
  });

  it('carry their code, cause and retryability', () => {
    const cause = new Error('root');
    const error = new ParleyError('STORAGE_FAILURE', 'disk full', { cause, isRetryable: true });
    expect(error).toMatchObject({
      code: 'STORAGE_FAILURE',
      cause,
      isRetryable: true,
      name: 'ParleyError',
    });
    expect(new AbortedError()).toMatchObject({ code: 'OPERATION_ABORTED', name: 'AbortedError' });
    expect(new TimeoutError(250)).toMatchObject({
      code: 'OPERATION_TIMEOUT',
      timeoutMs: 250,
      isRetryable: true,
    });
    const multiple = new MultipleErrors([new Error('one'), 'two']);
    expect(multiple.message).toBe('one\ntwo');
    expect(multiple.errors).toHaveLength(2);
  });
});
