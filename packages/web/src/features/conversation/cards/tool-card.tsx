import type { V1ActionEvent, V1ObservationEvent } from '@parley/protocol';
import { CommandCardBody } from './command-card';
import { ConfirmationButtons } from './confirmation-buttons';
import { EditCardBody } from './edit-card';
import { McpCardBody } from './mcp-card';
import { ReadCardBody } from './read-card';
import type { ToolCardModel, ToolCardState } from './tool-cards';

type Tone = 'neutral' | 'busy' | 'ok' | 'warn' | 'error';

const stateLabels: Record<ToolCardState, [string, Tone]> = {
  awaiting_confirmation: ['Needs confirmation', 'warn'],
  running: ['Running', 'busy'],
  succeeded: ['Done', 'ok'],
  failed: ['Failed', 'error'],
  rejected: ['Rejected', 'warn'],
  unfinished: ['No result', 'neutral'],
};

/** Which card a tool action gets: `command`, `edit`, `read` or `mcp`. */
export type ToolKind = 'command' | 'edit' | 'read' | 'mcp';

export function toolKindOf(action: V1ActionEvent['action']): ToolKind {
  switch (action.kind) {
    case 'ExecuteBashAction':
      return 'command';
    case 'FileEditorAction':
      return action.command === 'view' ? 'read' : 'edit';
    case 'MCPToolAction':
      return 'mcp';
  }
}

const titles: Record<ToolKind, string> = {
  command: 'Command',
  edit: 'File edit',
  read: 'File view',
  mcp: 'MCP tool',
};

/** What the confirmation question asks about. */
const confirmationWhat: Record<ToolKind, string> = {
  command: 'run this command',
  edit: 'make this change',
  read: 'read this file',
  mcp: 'call this tool',
};

interface ToolCardProps {
  card: ToolCardModel;
  /** Answers the confirmation; without it no buttons are offered. */
  onConfirmation?: ((accept: boolean) => Promise<void>) | undefined;
}

/** One tool call and its result: a command, a file edit or view, or an MCP tool call. */
export function ToolCard({ card, onConfirmation }: ToolCardProps) {
  const { action: event, result, state } = card;
  const kind = toolKindOf(event.action);
  const [label, tone] = stateLabels[state];
  const thought = event.thought.map((part) => part.text).join('\n');
  const observation = result?.kind === 'ObservationEvent' ? result.observation : undefined;
  return (
    <li
      className={`event tool-card tool-card--${kind} tool-card--${state}`}
      data-event-id={event.id}
      data-kind={event.kind}
      data-testid="tool-card"
      data-tool={kind}
      data-state={state}
    >
      {thought !== '' && <p className="event__thought">{thought}</p>}
      <article className="tool-card__box" aria-label={`${titles[kind]}: ${label}`}>
        <header className="tool-card__header">
          <span className="tool-card__title">
            {kind === 'mcp' ? `${titles.mcp} · ${event.tool_name}` : titles[kind]}
          </span>
          <span className={`badge badge--${tone}`} data-testid="tool-card-state">
            <span className="badge__dot" aria-hidden="true" />
            {label}
          </span>
        </header>
        <div className="tool-card__body">
          {event.action.kind === 'ExecuteBashAction' && (
            <CommandCardBody
              action={event.action}
              observation={observation?.kind === 'ExecuteBashObservation' ? observation : undefined}
              liveOutput={card.liveOutput}
              state={state}
            />
          )}
          {event.action.kind === 'FileEditorAction' &&
            (kind === 'read' ? (
              <ReadCardBody
                action={event.action}
                observation={
                  observation?.kind === 'FileEditorObservation' ? observation : undefined
                }
              />
            ) : (
              <EditCardBody
                action={event.action}
                observation={
                  observation?.kind === 'FileEditorObservation' ? observation : undefined
                }
              />
            ))}
          {event.action.kind === 'MCPToolAction' && (
            <McpCardBody
              toolName={event.tool_name}
              action={event.action}
              observation={observation?.kind === 'MCPToolObservation' ? observation : undefined}
            />
          )}
          {result?.kind === 'UserRejectObservation' && (
            <p className="tool-card__rejected" data-testid="rejection">
              Rejected: {result.rejection_reason}
            </p>
          )}
          {result?.kind === 'AgentErrorEvent' && (
            <p className="tool-card__failure" role="note" data-testid="tool-error">
              {result.error}
            </p>
          )}
          {state === 'awaiting_confirmation' && onConfirmation !== undefined && (
            <ConfirmationButtons what={confirmationWhat[kind]} onAnswer={onConfirmation} />
          )}
        </div>
      </article>
    </li>
  );
}

/** A result whose action is not in the history: its text, as the log has it. */
export function ToolResultItem({ event }: { event: V1ObservationEvent }) {
  const { observation } = event;
  const failed =
    observation.kind === 'MCPToolObservation'
      ? observation.is_error
      : observation.kind === 'FileEditorObservation'
        ? observation.error !== null
        : observation.error;
  const text =
    observation.kind === 'MCPToolObservation'
      ? observation.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n')
      : observation.output;
  return (
    <li
      data-event-id={event.id}
      data-kind={event.kind}
      className={`event event--observation${failed ? ' event--failed' : ''}`}
    >
      <pre className="terminal terminal--output" aria-label={`Output of ${event.tool_name}`}>
        {text || '(no output)'}
      </pre>
      {observation.kind === 'ExecuteBashObservation' &&
        observation.exit_code !== null &&
        observation.exit_code !== 0 && (
          <span className="event__note">exit code {observation.exit_code}</span>
        )}
    </li>
  );
}
