import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from './deadline.js';

describe('Deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires once the time passes without an extension', () => {
    let expired = 0;
    const deadline = new Deadline(() => expired++);
    deadline.extend(100);
    vi.advanceTimersByTime(99);
    expect(expired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(expired).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(expired).toBe(1);
  });

  it('each extension moves the deadline; a shorter one takes effect at once', () => {
    let expired = 0;
    const deadline = new Deadline(() => expired++);
    deadline.extend(100);
    for (let step = 0; step < 10; step++) {
      vi.advanceTimersByTime(60);
      deadline.extend(100);
    }
    expect(expired).toBe(0);
    deadline.extend(10);
    vi.advanceTimersByTime(10);
    expect(expired).toBe(1);
  });

  it('clear and Infinity disarm it', () => {
    let expired = 0;
    const deadline = new Deadline(() => expired++);
    deadline.extend(50);
    deadline.clear();
    deadline.extend(Infinity);
    vi.advanceTimersByTime(10_000);
    expect(expired).toBe(0);
  });
});
