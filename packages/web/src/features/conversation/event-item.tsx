import type { V1Event, V1LlmMessage } from '@parley/protocol';

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

/** One logged event: a chat bubble for messages, a terminal block for commands, a note otherwise. */
export function EventItem({ event }: { event: V1Event }) {
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
    case 'ActionEvent': {
      const thought = event.thought.map((part) => part.text).join('\n');
      return (
        <li {...common} className="event event--action">
          {thought !== '' && <p className="event__thought">{thought}</p>}
          <div className="terminal" aria-label={`Command run by ${event.tool_name}`}>
            <span className="terminal__prompt" aria-hidden="true">
              $
            </span>
            <code>
              {event.action.kind === 'MCPToolAction'
                ? JSON.stringify(event.action.data)
                : event.action.command}
            </code>
          </div>
        </li>
      );
    }
    case 'ObservationEvent': {
      const { observation } = event;
      if (observation.kind !== 'ExecuteBashObservation') return null;
      return (
        <li
          {...common}
          className={`event event--observation${observation.error ? ' event--failed' : ''}`}
        >
          <pre className="terminal terminal--output" aria-label={`Output of ${event.tool_name}`}>
            {observation.output || '(no output)'}
          </pre>
          {observation.exit_code !== null && observation.exit_code !== 0 && (
            <span className="event__note">exit code {observation.exit_code}</span>
          )}
        </li>
      );
    }
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
