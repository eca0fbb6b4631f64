import { describe, it, expect, expectTypeOf } from 'vitest';
import type { ActionEvent, CmdRunAction, MessageAction } from './action-event.js';
import type { AgentState } from './agent-state.js';
import { agentStateChangedObservation } from './agent-state-changed-observation.js';
import { parseEvent, parseIncomingAction } from './event-parse.js';
import type {
  AgentStateChangedObservation,
  CmdOutputObservation,
  NullObservation,
  ObservationEvent,
} from './observation-event.js';
import { isAction, isObservation, isStreamingDelta } from './parley-event.js';
import type { ParleyEvent } from './parley-event.js';
import type { SecurityRisk } from './security-risk.js';
import type { StreamingDeltaEvent } from './streaming-delta-event.js';

describe('event types', () => {
  it('narrows an action on its type', () => {
    const event: ParleyEvent = parseEvent({ action: 'message', args: { content: 'hi' } });
    if (isAction(event) && event.action === 'message') {
      expectTypeOf(event).toEqualTypeOf<MessageAction>();
      expectTypeOf(event.args.content).toEqualTypeOf<string>();
      expectTypeOf(event.args.security_risk).toEqualTypeOf<SecurityRisk | undefined>();
      expectTypeOf(event.timeout).toEqualTypeOf<number | undefined>();
      expect(event.args.content).toBe('hi');
    } else {
      expect.unreachable('expected a message action');
    }
  });

  it('narrows an observation on its type', () => {
    const event: ParleyEvent = parseEvent({
      observation: 'run',
      content: '',
      extras: { command: 'ls' },
      success: true,
    });
    if (isObservation(event) && event.observation === 'run') {
      expectTypeOf(event).toEqualTypeOf<CmdOutputObservation>();
      expectTypeOf(event.extras.command).toEqualTypeOf<string>();
      expectTypeOf(event.success).toEqualTypeOf<boolean | undefined>();
      expectTypeOf(event.extras.metadata?.exit_code).toEqualTypeOf<number | undefined>();
      expect(event.success).toBe(true);
    } else {
      expect.unreachable('expected a run observation');
    }
  });

  it('has success only on run observations', () => {
    expectTypeOf<CmdOutputObservation>().toHaveProperty('success');
    expectTypeOf<AgentStateChangedObservation>().not.toHaveProperty('success');
    expectTypeOf<NullObservation>().not.toHaveProperty('success');
    expectTypeOf<ActionEvent>().not.toHaveProperty('success');
  });

  it('types the guards, parsers and builders', () => {
    expectTypeOf(isAction).guards.toEqualTypeOf<ActionEvent>();
    expectTypeOf(isObservation).guards.toEqualTypeOf<ObservationEvent>();
    expectTypeOf(isStreamingDelta).guards.toEqualTypeOf<StreamingDeltaEvent>();
    expectTypeOf(parseEvent).returns.toEqualTypeOf<ParleyEvent>();
    expectTypeOf(parseIncomingAction).returns.toEqualTypeOf<ActionEvent>();
    expectTypeOf(
      agentStateChangedObservation,
    ).returns.toEqualTypeOf<AgentStateChangedObservation>();
    expectTypeOf<
      AgentStateChangedObservation['extras']['agent_state']
    >().toEqualTypeOf<AgentState>();
    expectTypeOf<CmdRunAction['args']['confirmation_state']>().toEqualTypeOf<
      'confirmed' | 'rejected' | 'awaiting_confirmation' | undefined
    >();
    expectTypeOf<StreamingDeltaEvent['source']>().toEqualTypeOf<'agent' | undefined>();
  });

  it('rejects malformed events at compile time', () => {
    // @ts-expect-error content must be a string
    const wrongContent: MessageAction = { action: 'message', args: { content: 1 } };
    // @ts-expect-error args are strict
    const unknownArg: MessageAction = { action: 'message', args: { content: '', colour: 'red' } };
    expect([wrongContent, unknownArg]).toHaveLength(2);
  });
});
