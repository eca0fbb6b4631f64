import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ParleyError } from '../shared/errors.js';
import { ReplayBudget, type BudgetLease } from './replay-budget.js';

/** Records the order in which pending acquires settle. */
function track(order: string[], name: string, pending: Promise<BudgetLease>): Promise<BudgetLease> {
  return pending.then(
    (lease) => {
      order.push(name);
      return lease;
    },
    (error: unknown) => {
      order.push(`${name} failed`);
      throw error;
    },
  );
}

/** Lets settled promises run their callbacks. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
}

describe('ReplayBudget', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants what fits at once, counts it, and takes it back once however often released', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 1_000 });
    const first = await budget.acquire(60, { priority: 'new' });
    const second = await budget.acquire(40, { priority: 'new' });
    expect(budget.inUseBytes).toBe(100);
    first.release();
    first.release();
    expect(budget.inUseBytes).toBe(40);
    second.release();
    expect(budget.inUseBytes).toBe(0);
  });

  it('makes a request that does not fit wait for a release, first come first served', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 60_000 });
    const held = await budget.acquire(80, { priority: 'new' });
    const order: string[] = [];
    const big = track(order, 'big', budget.acquire(50, { priority: 'new' }));
    // Small enough to fit now, but it may not pass the big request waiting before it.
    const small = track(order, 'small', budget.acquire(10, { priority: 'new' }));
    await settle();
    expect(order).toEqual([]);
    expect(budget.waitingCount).toBe(2);
    held.release();
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
    expect(budget.inUseBytes).toBe(60);
  });

  it('serves a replay that already started before any new one', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 60_000 });
    const held = await budget.acquire(100, { priority: 'new' });
    const order: string[] = [];
    const newcomer = track(order, 'new', budget.acquire(60, { priority: 'new' }));
    const continuing = track(order, 'continuing', budget.acquire(60, { priority: 'continuing' }));
    held.release();
    (await continuing).release();
    await newcomer;
    expect(order).toEqual(['continuing', 'new']);
  });

  it('serves a request bigger than the whole budget alone, once nothing else is held', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 60_000 });
    const held = await budget.acquire(1, { priority: 'new' });
    const order: string[] = [];
    const huge = track(order, 'huge', budget.acquire(5_000, { priority: 'new' }));
    await settle();
    expect(order).toEqual([]);
    held.release();
    const lease = await huge;
    expect(lease.bytes).toBe(100);
    expect(budget.inUseBytes).toBe(100);
  });

  it('refuses with SOCKET_REPLAY_BUSY after the wait bound, and those behind it move up', async () => {
    vi.useFakeTimers();
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 500 });
    await budget.acquire(90, { priority: 'new' });
    const refused = budget.acquire(50, { priority: 'new' });
    const error = refused.catch((caught: unknown) => caught);
    vi.advanceTimersByTime(499);
    await settle();
    expect(budget.waitingCount).toBe(1);
    vi.advanceTimersByTime(1);
    const caught = await error;
    expect(caught).toBeInstanceOf(ParleyError);
    expect(caught).toMatchObject({ code: 'SOCKET_REPLAY_BUSY', isRetryable: true });
    expect(budget.waitingCount).toBe(0);
    expect(budget.inUseBytes).toBe(90);
  });

  it('ends a wait at once when its signal fires, and grants what was queued behind it', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 60_000 });
    const held = await budget.acquire(50, { priority: 'new' });
    const controller = new AbortController();
    const order: string[] = [];
    const gone = track(
      order,
      'gone',
      budget.acquire(80, { priority: 'new', signal: controller.signal }),
    ).catch((caught: unknown) => caught);
    const behind = track(order, 'behind', budget.acquire(30, { priority: 'new' }));
    await settle();
    expect(order).toEqual([]);
    controller.abort();
    expect(await gone).toBeInstanceOf(AbortedError);
    await behind;
    expect(order).toEqual(['gone failed', 'behind']);
    expect(budget.inUseBytes).toBe(80);
    held.release();
    await expect(
      budget.acquire(1, { priority: 'new', signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
  });

  it('asks its reclaimers for room before a request queues', async () => {
    const budget = new ReplayBudget({ capacityBytes: 100, waitMs: 60_000 });
    const optional = await budget.acquire(70, { priority: 'new' });
    const reclaim = vi.fn(() => optional.release());
    budget.onPressure(reclaim);
    await budget.acquire(20, { priority: 'new' });
    expect(reclaim).not.toHaveBeenCalled();
    const lease = await budget.acquire(50, { priority: 'new' });
    expect(reclaim).toHaveBeenCalledTimes(1);
    expect(lease.bytes).toBe(50);
    expect(budget.waitingCount).toBe(0);
  });
});
