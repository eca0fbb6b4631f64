import { describe, expect, it } from 'vitest';
import { checkHistory, type LogEntry } from './check-history.js';
import { History, type ClientStream } from './history.js';

function message(id: number, content: string): LogEntry {
  return { id, kind: 'message', content };
}

function other(id: number): LogEntry {
  return { id, kind: 'other', content: undefined };
}

function delta(id: number, content: string): LogEntry {
  return { id, kind: 'delta', content };
}

async function acknowledge(history: History, token: string, result: 'ok' | 'fail' | 'unknown') {
  await history.record('writer', 'c', token, async () => {
    if (result === 'unknown') throw new Error('connection reset');
    return { acknowledged: result === 'ok' };
  });
}

function receive(stream: ClientStream, cursor: number, ids: number[]): void {
  stream.sessions.push({ cursor, ids, contents: new Map() });
}

describe('the reliability history checker', () => {
  const log = [
    other(0),
    message(1, 'hello t-1'),
    delta(2, 'Hi'),
    message(3, 'Hi'),
    message(4, 'again t-2'),
  ];

  it('passes a history whose writes and streams match the log', async () => {
    const history = new History();
    await acknowledge(history, 't-1', 'ok');
    await acknowledge(history, 't-2', 'unknown');
    await acknowledge(history, 't-3', 'fail');
    const stream = history.stream('client', 'c', 'socket.io');
    receive(stream, -1, [1, 3]);
    receive(stream, 3, [3, 4]);
    stream.complete = true;
    const result = checkHistory(history, new Map([['c', log]]));
    expect(result).toEqual({
      lost: [],
      duplicated: [],
      logGaps: [],
      streamFaults: [],
      operations: 3,
    });
  });

  it('reports an acknowledged write missing from the log as lost', async () => {
    const history = new History();
    await acknowledge(history, 't-9', 'ok');
    expect(checkHistory(history, new Map([['c', log]])).lost).toEqual(['writer t-9 (ok)']);
  });

  it('reports a write stored twice, and a refused write stored at all', async () => {
    const history = new History();
    await acknowledge(history, 't-1', 'unknown');
    await acknowledge(history, 't-2', 'fail');
    const doubled = [...log, message(5, 'hello t-1')];
    expect(checkHistory(history, new Map([['c', doubled]])).duplicated).toEqual([
      'writer t-1 (unknown): stored 2 times',
      'writer t-2 (fail): refused but stored',
    ]);
  });

  it('reports ids that are not contiguous from 0', () => {
    const gapped = [other(0), message(2, 'x')];
    expect(checkHistory(new History(), new Map([['c', gapped]])).logGaps).toEqual([
      'c: position 1 holds id 2',
    ]);
  });

  it('reports a stream that missed a message, went backwards, or invented an id', () => {
    const history = new History();
    const missed = history.stream('missed', 'c', 'v1');
    receive(missed, -1, [1, 4]);
    const backwards = history.stream('backwards', 'c', 'socket.io');
    receive(backwards, -1, [1, 3, 4]);
    receive(backwards, 4, [2]);
    const invented = history.stream('invented', 'c', 'socket.io');
    receive(invented, 3, [4, 7]);
    const faults = checkHistory(history, new Map([['c', log]])).streamFaults;
    expect(faults).toEqual([
      'missed (v1): missed 1 ids, first 3',
      'backwards (socket.io): received 2 after 4',
      'invented (socket.io): received id 7, which the log does not hold',
    ]);
  });

  it('requires deltas only from clients that asked for them, and the end only from complete ones', () => {
    const history = new History();
    const withDeltas = history.stream('deltas', 'c', 'v1', true);
    receive(withDeltas, -1, [1, 3, 4]);
    const early = history.stream('early', 'c', 'socket.io');
    receive(early, -1, [1]);
    const incomplete = history.stream('incomplete', 'c', 'socket.io');
    receive(incomplete, -1, [1]);
    incomplete.complete = true;
    expect(checkHistory(history, new Map([['c', log]])).streamFaults).toEqual([
      'deltas (v1): missed 1 ids, first 2',
      'incomplete (socket.io): missed 2 ids, first 3, 4',
    ]);
  });

  it('reports a received id whose content differs from the log', () => {
    const history = new History();
    const stream = history.stream('client', 'c', 'socket.io');
    stream.sessions.push({ cursor: -1, ids: [1], contents: new Map([[1, 'forged']]) });
    expect(checkHistory(history, new Map([['c', log]])).streamFaults).toEqual([
      'client (socket.io): id 1 arrived with other content than the log holds',
    ]);
  });
});
