import type { AgentState, EventSource } from '@parley/protocol';
import type { NewEvent } from '../../src/events/event-store.js';

/** Small builders for the events tests append. */
export function messageAction(content: string, source: EventSource = 'user'): NewEvent {
  return {
    source,
    message: content,
    action: 'message',
    args: { content, file_urls: [], image_urls: [], wait_for_response: false },
  } as NewEvent;
}

export function runAction(
  command: string,
  options: { hidden?: boolean; source?: EventSource } = {},
): NewEvent {
  return {
    source: options.source ?? 'agent',
    message: `Running command: ${command}`,
    action: 'run',
    args: {
      command,
      is_input: false,
      thought: '',
      blocking: false,
      hidden: options.hidden ?? false,
    },
  } as NewEvent;
}

export function nullObservation(source: EventSource = 'agent'): NewEvent {
  return {
    source,
    message: 'No observation',
    observation: 'null',
    content: '',
    extras: {},
  } as NewEvent;
}

export function agentStateChanged(
  agentState: AgentState,
  source: EventSource = 'environment',
): NewEvent {
  return {
    source,
    message: '',
    observation: 'agent_state_changed',
    content: '',
    extras: { agent_state: agentState, reason: '' },
  } as NewEvent;
}

export function errorObservation(content: string): NewEvent {
  return {
    source: 'agent',
    message: content,
    observation: 'error',
    content,
    extras: { error_id: '' },
  } as NewEvent;
}

/** About `bytes` long once serialized: a user message with padding. */
export function eventOfSize(bytes: number, label = 'event'): NewEvent {
  return messageAction(`${label} ${'x'.repeat(Math.max(0, bytes - 160))}`);
}
