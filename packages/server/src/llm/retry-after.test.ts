import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

describe('parseRetryAfter', () => {
  const now = () => Date.parse('2026-01-01T00:00:00Z');

  it('prefers retry-after-ms, then retry-after in seconds or as an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1_500);
    expect(parseRetryAfter({ 'Retry-After': '2.5' }, now)).toBe(2_500);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, now)).toBe(7_000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now)).toBe(0);
  });

  it('is undefined when absent or unparsable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter({})).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-3' })).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': 'x', 'retry-after': '1' })).toBe(1_000);
  });
});
