import { describe, expect, it } from 'vitest';
import { ScriptedRateLimitStore } from '../../../../test/support/fake-rate-limit-store.js';
import { createCapturingLogger } from '../../../../test/support/test-logger.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { RateLimiter, decideRateLimit, rateLimitCountCap } from './rate-limiter.js';

describe('decideRateLimit', () => {
  it('follows upstream: up to N allowed, up to 2N delayed, beyond rejected', () => {
    const decisions = Array.from({ length: 22 }, (_, index) => decideRateLimit(index + 1, 10));
    expect(decisions.slice(0, 10)).toEqual(Array(10).fill('allow'));
    expect(decisions.slice(10, 20)).toEqual(Array(10).fill('delay'));
    expect(decisions.slice(20)).toEqual(['reject', 'reject']);
  });

  it('the count cap is the smallest that still tells every decision apart', () => {
    expect(rateLimitCountCap(10)).toBe(21);
    expect(decideRateLimit(rateLimitCountCap(10), 10)).toBe('reject');
    expect(decideRateLimit(rateLimitCountCap(10) - 1, 10)).toBe('delay');
  });
});

describe('RateLimiter', () => {
  it('counts rejected requests too: a client that keeps hammering stays rejected', async () => {
    const clock = { now: 0 };
    const store = new MemoryRateLimitStore({
      windowMs: 1000,
      maxCountPerKey: rateLimitCountCap(2),
      pruneIntervalMs: 0,
      now: () => clock.now,
    });
    const limiter = new RateLimiter({ store, limit: 2, logger: createCapturingLogger().logger });
    const decisions = [];
    for (let index = 0; index < 6; index += 1) decisions.push(await limiter.check('1.2.3.4'));
    expect(decisions).toEqual(['allow', 'allow', 'delay', 'delay', 'reject', 'reject']);
    expect(await limiter.check('5.6.7.8')).toBe('allow');
    // 900 ms later the window still holds the six requests above: still rejected.
    clock.now = 900;
    expect(await limiter.check('1.2.3.4')).toBe('reject');
    clock.now = 2000;
    expect(await limiter.check('1.2.3.4')).toBe('allow');
    await store.close();
  });

  it('fails open when the store fails, warning once per interval, and says when it recovers', async () => {
    const store = new ScriptedRateLimitStore();
    const { logger, lines } = createCapturingLogger();
    const clock = { now: 0 };
    const limiter = new RateLimiter({
      store,
      limit: 1,
      logger,
      warningIntervalMs: 30_000,
      now: () => clock.now,
    });
    store.fail(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(await limiter.check('a')).toBe('allow');
    expect(await limiter.check('a')).toBe('allow');
    expect(await limiter.check('a')).toBe('allow');
    let warnings = lines().filter((line) => line['level'] === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.['msg']).toContain('ECONNREFUSED');
    expect(warnings[0]?.['failures']).toBe(1);

    clock.now = 30_000;
    expect(await limiter.check('a')).toBe('allow');
    warnings = lines().filter((line) => line['level'] === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.['failures']).toBe(3);

    store.answer(5);
    expect(await limiter.check('a')).toBe('reject');
    expect(lines().some((line) => String(line['msg']).includes('limiting resumed'))).toBe(true);
  });

  it('refuses a limit that is not a positive integer', () => {
    const store = new ScriptedRateLimitStore();
    const { logger } = createCapturingLogger();
    expect(() => new RateLimiter({ store, limit: 0, logger })).toThrow(RangeError);
    expect(() => new RateLimiter({ store, limit: 1.5, logger })).toThrow(RangeError);
  });
});
