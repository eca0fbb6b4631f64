import { describe, expect, it } from 'vitest';
import { AbortedError, ParleyError } from '../../shared/errors.js';
import { ConfirmationGate } from './confirmation-gate.js';

describe('ConfirmationGate', () => {
  it('hands the answer to the waiting action and then waits for nothing', async () => {
    const gate = new ConfirmationGate();
    expect(() => gate.assertWaiting()).toThrow(ParleyError);
    const waiting = gate.wait(7, new AbortController().signal);
    expect(gate.pendingActionId).toBe(7);
    gate.assertWaiting();
    expect(gate.answer({ accepted: false, reason: 'no' })).toBe(true);
    await expect(waiting).resolves.toEqual({ accepted: false, reason: 'no' });
    expect(gate.pendingActionId).toBeUndefined();
    expect(gate.answer({ accepted: true, reason: '' })).toBe(false);
  });

  it('lets a stop end the wait: the action no longer waits and a late answer finds nothing', async () => {
    const gate = new ConfirmationGate();
    const stop = new AbortController();
    const waiting = gate.wait(3, stop.signal);
    stop.abort(new Error('agent stopped'));
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(gate.pendingActionId).toBeUndefined();
    expect(gate.answer({ accepted: true, reason: '' })).toBe(false);
  });
});
