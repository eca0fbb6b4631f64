import { describe, expect, it, vi } from 'vitest';
import { PendingStatusFrames } from './pending-status-frames.js';

describe('PendingStatusFrames', () => {
  it('hands held frames to the first taker once, oldest first', () => {
    const pending = new PendingStatusFrames({ now: () => 0 });
    pending.hold('c1', { id: 'A' });
    pending.hold('c1', { id: 'B' });
    pending.hold('c2', { id: 'other' });
    expect(pending.take('c1')).toEqual([{ id: 'A' }, { id: 'B' }]);
    expect(pending.take('c1')).toEqual([]);
    expect(pending.take('c2')).toEqual([{ id: 'other' }]);
  });

  it('lets frames expire after the wait and forgets conversations with nothing left', () => {
    let now = 0;
    const pending = new PendingStatusFrames({ waitMs: 30_000, now: () => now });
    pending.hold('c1', { id: 'old' });
    now = 29_999;
    pending.hold('c2', { id: 'fresh' });
    now = 30_000;
    expect(pending.take('c1')).toEqual([]);
    pending.hold('c3', { id: 'x' });
    now = 59_998;
    expect(pending.take('c2')).toEqual([{ id: 'fresh' }]);
    now = 90_000;
    pending.hold('c4', { id: 'y' });
    expect(pending.conversationCount).toBe(1);
  });

  it('keeps only the newest frames of a conversation', () => {
    const pending = new PendingStatusFrames({ maxPerConversation: 2, now: () => 0 });
    for (const id of ['1', '2', '3']) pending.hold('c1', { id });
    expect(pending.take('c1')).toEqual([{ id: '2' }, { id: '3' }]);
  });

  it('drops expired frames on a timer when no other frame follows', () => {
    vi.useFakeTimers();
    try {
      const pending = new PendingStatusFrames({ waitMs: 1000, now: () => Date.now() });
      pending.hold('c1', { id: 'A' });
      vi.advanceTimersByTime(500);
      pending.hold('c2', { id: 'B' });
      vi.advanceTimersByTime(500);
      expect(pending.conversationCount).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(pending.conversationCount).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
