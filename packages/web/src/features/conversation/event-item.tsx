import type { V1Event, V1LlmMessage } from '@parley/protocol';
import { ToolCard, ToolResultItem } from './cards/tool-card';
import type { ToolCardModel } from './cards/tool-cards';

/** The text parts of a V1 message, joined. */
export function messageText(message: V1LlmMessage): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}

/** Whether an event shows up in the history (state updates and deltas are rendered elsewhere). */
export function isVisibleEvent(event: V1Event): boolean {
  return event.kind !== 'ConversationStateUpdateEvent' && event.kind !== 'StreamingDeltaEvent';
}

function formatTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

interface EventItemProps {
  event: V1Event;
  /** For an action: its card (result, live output, state); a lone action counts as running. */
  toolCard?: ToolCardModel | undefined;
  /** Answers the confirmation an action's card asks for. */
  onConfirmation?: ((accept: boolean) => Promise<void>) | undefined;
}

/** One logged event: a chat bubble for messages, a card for tool calls, a note otherwise. */
export function EventItem({ event, toolCard, onConfirmation }: EventItemProps) {
  const common = { 'data-event-id': event.id, 'data-kind': event.kind } as const;
  switch (event.kind) {
    case 'MessageEvent': {
      const role = event.llm_message.role;
      const mine = role === 'user';
      return (
        <li {...common} className={`message message--${mine ? 'user' : 'assistant'}`}>
          <span className="message__author">
            {mine ? 'You' : role === 'assistant' ? 'Agent' : role}
          </span>
          <div className="message__body">{messageText(event.llm_message)}</div>
          <time className="message__time" dateTime={event.timestamp}>
            {formatTime(event.timestamp)}
          </time>
        </li>
      );
    }
    case 'ActionEvent':
      return (
        <ToolCard
          card={
            toolCard ?? {
              action: event,
              result: undefined,
              liveOutput: undefined,
              state: 'running',
            }
          }
          onConfirmation={onConfirmation}
        />
      );
    case 'ObservationEvent':
      return <ToolResultItem event={event} />;
    case 'AgentErrorEvent':
      return (
        <li {...common} className="event event--error" role="note">
          <strong>Agent error</strong>
          <p>{event.error}</p>
        </li>
      );
    case 'UserRejectObservation':
      return (
        <li {...common} className="event event--note">
          Action rejected: {event.rejection_reason}
        </li>
      );
    case 'SystemPromptEvent':
      return (
        <li {...common} className="event event--system">
          <details>
            <summary>System prompt</summary>
            <pre className="event__system-prompt">{event.system_prompt.text}</pre>
          </details>
        </li>
      );
    case 'ConversationStateUpdateEvent':
    case 'StreamingDeltaEvent':
      return null;
  }
}
