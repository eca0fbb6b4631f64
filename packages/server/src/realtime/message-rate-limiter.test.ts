import { describe, expect, it } from 'vitest';
import { MessageRateLimiter } from './message-rate-limiter.js';

describe('MessageRateLimiter', () => {
  it('accepts a burst, rejects beyond it, and disconnects a sustained flood', () => {
    const limiter = new MessageRateLimiter({ perSecond: 10, burst: 3, now: () => 0 });
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([
      'accept',
      'accept',
      'accept',
    ]);
    expect(limiter.take()).toBe('reject');
    expect(limiter.take()).toBe('reject');
    expect(limiter.take()).toBe('disconnect');
  });

  it('refills at the configured rate, and an accepted message forgives earlier rejections', () => {
    let now = 0;
    const limiter = new MessageRateLimiter({ perSecond: 10, burst: 2, now: () => now });
    limiter.take();
    limiter.take();
    expect(limiter.take()).toBe('reject');
    now += 100; // one token back
    expect(limiter.take()).toBe('accept');
    expect(limiter.take()).toBe('reject');
    now += 10_000; // never more than the burst
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([
      'accept',
      'accept',
      'reject',
    ]);
  });
});
