// The reconnect schedule on its own: exponential windows, full jitter, the cap.
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('draws each delay uniformly below the window (full jitter)', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, { ...options, random: () => 0 })).toBe(0);
    expect(backoffDelay(0, { ...options, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { ...options, random: () => 0.25 })).toBe(200);
    expect(backoffDelay(4, { ...options, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(60, { ...options, random: () => 0.5 })).toBe(500);
    expect(backoffDelay(2000, { ...options, random: () => 0.999 })).toBe(999);
  });
});
