import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupCommitter } from './group-committer.js';

interface Request {
  name: string;
  weight: number;
  fail?: boolean;
}

function recordingCommitter(
  options: {
    maxBatchWeight?: number;
    maxDelayMs?: number;
    canRetryAlone?: (error: unknown) => boolean;
  } = {},
) {
  const batches: string[][] = [];
  let releaseGate: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const committer = new GroupCommitter<Request, string>({
    maxBatchWeight: options.maxBatchWeight ?? 100,
    maxDelayMs: options.maxDelayMs ?? 0,
    weigh: (request) => request.weight,
    ...(options.canRetryAlone === undefined ? {} : { canRetryAlone: options.canRetryAlone }),
    async commit(batch) {
      batches.push(batch.map((request) => request.name));
      if (gate !== undefined) await gate;
      if (batch.some((request) => request.fail === true))
        throw new Error(`batch with ${batch.length} failed`);
      return batch.map((request) => `committed ${request.name}`);
    },
  });
  return {
    committer,
    batches,
    holdCommits() {
      gate = new Promise((resolve) => (releaseGate = resolve));
    },
    releaseCommits() {
      gate = undefined;
      releaseGate?.();
    },
  };
}

describe('GroupCommitter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not retry alone when the failure may have committed something', async () => {
    const { committer, batches } = recordingCommitter({ canRetryAlone: () => false });
    const outcomes = await Promise.allSettled([
      committer.submit({ name: 'one', weight: 1 }),
      committer.submit({ name: 'bad', weight: 1, fail: true }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(batches).toEqual([['one', 'bad']]);
  });

  it('commits at once when the batch is full, without waiting for the delay', async () => {
    vi.useFakeTimers();
    const { committer, batches } = recordingCommitter({ maxBatchWeight: 3, maxDelayMs: 1000 });
    const first = committer.submit({ name: 'a', weight: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([]); // one event waits for companions
    const rest = [
      committer.submit({ name: 'b', weight: 1 }),
      committer.submit({ name: 'c', weight: 1 }),
    ];
    await Promise.all([first, ...rest]); // full: committed without advancing the clock further
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs an exclusive task between the batches submitted before and after it', async () => {
    const recorder = recordingCommitter();
    const order: string[] = [];
    const before = recorder.committer
      .submit({ name: 'before', weight: 1 })
      .then(() => order.push('before'));
    const exclusive = recorder.committer.runExclusive(async () => {
      order.push(`exclusive after ${recorder.batches.length} batch`);
      return 'done';
    });
    const after = recorder.committer
      .submit({ name: 'after', weight: 1 })
      .then(() => order.push('after'));
    expect(await exclusive).toBe('done');
    await Promise.all([before, after]);
    expect(order).toEqual(['before', 'exclusive after 1 batch', 'after']);
    expect(recorder.batches).toEqual([['before'], ['after']]);
  });

  it('commits everything submitted in one turn as one batch, results in order', async () => {
    const { committer, batches } = recordingCommitter();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) => committer.submit({ name, weight: 1 })),
    );
    expect(results).toEqual(['committed a', 'committed b', 'committed c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('queues arrivals during a commit into the next batch', async () => {
    const recorder = recordingCommitter();
    recorder.holdCommits();
    const first = recorder.committer.submit({ name: 'first', weight: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['x', 'y'].map((name) => recorder.committer.submit({ name, weight: 1 }));
    recorder.releaseCommits();
    await Promise.all([first, ...later]);
    expect(recorder.batches).toEqual([['first'], ['x', 'y']]);
  });

  it('caps a batch by weight, and lets one heavy request go alone', async () => {
    const { committer, batches } = recordingCommitter({ maxBatchWeight: 10 });
    await Promise.all([
      committer.submit({ name: 'a', weight: 6 }),
      committer.submit({ name: 'b', weight: 4 }),
      committer.submit({ name: 'c', weight: 1 }),
      committer.submit({ name: 'huge', weight: 50 }),
      committer.submit({ name: 'd', weight: 2 }),
    ]);
    expect(batches).toEqual([['a', 'b'], ['c'], ['huge'], ['d']]);
  });

  it('retries a failed batch one request at a time so only the bad one fails', async () => {
    const { committer, batches } = recordingCommitter();
    const outcomes = await Promise.allSettled([
      committer.submit({ name: 'good1', weight: 1 }),
      committer.submit({ name: 'bad', weight: 1, fail: true }),
      committer.submit({ name: 'good2', weight: 1 }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      message: 'batch with 1 failed',
    });
    expect(batches).toEqual([['good1', 'bad', 'good2'], ['good1'], ['bad'], ['good2']]);
  });

  it('drops a request aborted while queued, and keeps one already committing', async () => {
    const recorder = recordingCommitter();
    recorder.holdCommits();
    const running = new AbortController();
    const committing = recorder.committer.submit({ name: 'committing', weight: 1 }, running.signal);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = new AbortController();
    const dropped = recorder.committer.submit({ name: 'dropped', weight: 1 }, queued.signal);
    queued.abort();
    running.abort();
    recorder.releaseCommits();
    await expect(dropped).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await expect(committing).resolves.toBe('committed committing');
    expect(recorder.batches).toEqual([['committing']]);
  });

  it('rejects an already-aborted signal without committing', async () => {
    const { committer, batches } = recordingCommitter();
    await expect(
      committer.submit({ name: 'no', weight: 1 }, AbortSignal.abort()),
    ).rejects.toMatchObject({
      code: 'OPERATION_ABORTED',
    });
    await committer.flush();
    expect(batches).toEqual([]);
  });

  it('flush waits for everything accepted; close refuses new work', async () => {
    const recorder = recordingCommitter({ maxDelayMs: 5 });
    const settled: string[] = [];
    void recorder.committer.submit({ name: 'a', weight: 1 }).then((result) => settled.push(result));
    await recorder.committer.flush();
    expect(settled).toEqual(['committed a']);
    const last = recorder.committer.submit({ name: 'b', weight: 1 });
    await recorder.committer.close();
    await expect(last).resolves.toBe('committed b');
    await expect(recorder.committer.submit({ name: 'c', weight: 1 })).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
    expect(recorder.committer.pendingCount).toBe(0);
  });
});
