import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
} from './memory-rate-limit-store.js';

describe('MemoryRateLimitStore', () => {
  const stores: MemoryRateLimitStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  /** A store on a hand-driven clock: `clock.now` is the time in ms. */
  function createStore(options: Partial<MemoryRateLimitStoreOptions> = {}) {
    const clock = { now: 0 };
    const store = new MemoryRateLimitStore({
      windowMs: 1000,
      maxCountPerKey: 21,
      pruneIntervalMs: 0,
      now: () => clock.now,
      ...options,
    });
    stores.push(store);
    return { store, clock };
  }

  it('counts each request in the window, this one included, per key', async () => {
    const { store, clock } = createStore();
    expect(await store.hit('a')).toBe(1);
    clock.now = 10;
    expect(await store.hit('a')).toBe(2);
    expect(await store.hit('b')).toBe(1);
    expect(await store.hit('a')).toBe(3);
  });

  it('slides: a request leaves the window exactly one window later', () => {
    const { store, clock } = createStore();
    store.hitNow('a'); // t = 0
    clock.now = 400;
    store.hitNow('a'); // t = 400
    clock.now = 999;
    expect(store.hitNow('a')).toBe(3);
    // At t = 1000 the request of t = 0 is no longer inside (upstream keeps t > now - window).
    clock.now = 1000;
    expect(store.hitNow('a')).toBe(3);
    clock.now = 1400;
    expect(store.hitNow('a')).toBe(3); // 999, 1000 and this one
    clock.now = 5000;
    expect(store.hitNow('a')).toBe(1);
  });

  it('caps the count per key without changing counts below the cap', () => {
    const { store } = createStore({ maxCountPerKey: 5 });
    const counts = Array.from({ length: 8 }, () => store.hitNow('flood'));
    expect(counts).toEqual([1, 2, 3, 4, 5, 5, 5, 5]);
  });

  it('after a flood, counts fall as the capped history ages out', () => {
    const { store, clock } = createStore({ maxCountPerKey: 3 });
    for (let index = 0; index < 10; index += 1) {
      clock.now = index;
      store.hitNow('flood');
    }
    // The newest three (t = 7, 8, 9) are kept; at t = 1008 two of them have left the window.
    clock.now = 1008;
    expect(store.hitNow('flood')).toBe(2);
  });

  it('keeps at most maxKeys keys, dropping the one seen least recently', () => {
    const { store, clock } = createStore({ maxKeys: 3 });
    store.hitNow('a');
    store.hitNow('b');
    store.hitNow('c');
    clock.now = 1;
    store.hitNow('a'); // a is now the most recent; b is the stalest
    store.hitNow('d');
    expect(store.size).toBe(3);
    expect(store.hitNow('b')).toBe(1); // b was forgotten (and c now goes)
    expect(store.hitNow('a')).toBe(3);
    expect(store.size).toBe(3);
  });

  it('prune drops keys that went quiet and keeps active ones', () => {
    const { store, clock } = createStore();
    store.hitNow('quiet-1');
    store.hitNow('quiet-2');
    clock.now = 700;
    store.hitNow('active');
    clock.now = 1200;
    store.prune();
    expect(store.size).toBe(1);
    expect(store.hitNow('active')).toBe(2);
    expect(store.hitNow('quiet-1')).toBe(1);
  });

  it('prunes on its own timer', async () => {
    const clock = { now: 0 };
    const store = new MemoryRateLimitStore({
      windowMs: 1000,
      maxCountPerKey: 21,
      pruneIntervalMs: 1,
      now: () => clock.now,
    });
    stores.push(store);
    store.hitNow('quiet');
    clock.now = 5000;
    await expect.poll(() => store.size).toBe(0);
  });

  it('close forgets everything', async () => {
    const { store } = createStore();
    store.hitNow('a');
    await store.close();
    expect(store.size).toBe(0);
  });

  it('refuses a window or cap that cannot work', () => {
    expect(() => new MemoryRateLimitStore({ windowMs: 0, maxCountPerKey: 3 })).toThrow(RangeError);
    expect(() => new MemoryRateLimitStore({ windowMs: 1000, maxCountPerKey: 0 })).toThrow(
      RangeError,
    );
  });
});
