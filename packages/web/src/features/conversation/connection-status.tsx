import type { ConnectionState } from './conversation-view-model';

interface ConnectionStatusProps {
  connection: ConnectionState;
  isReconnecting: boolean;
  attemptCount: number;
  onReconnect?: () => void;
}

/** Live / connecting / reconnecting (with the attempt number) / offline. */
export function ConnectionStatus({
  connection,
  isReconnecting,
  attemptCount,
  onReconnect,
}: ConnectionStatusProps) {
  const state = connection === 'open' ? 'open' : isReconnecting ? 'reconnecting' : connection;
  const label =
    state === 'open'
      ? 'Live'
      : state === 'reconnecting'
        ? `Reconnecting… (attempt ${attemptCount})`
        : state === 'connecting'
          ? 'Connecting…'
          : 'Offline';
  return (
    <span
      className="connection-status"
      data-testid="connection-status"
      data-state={state}
      data-attempt={attemptCount}
    >
      <span
        className={`connection-status__dot connection-status__dot--${state}`}
        aria-hidden="true"
      />
      <span role="status">{label}</span>
      {state === 'closed' && onReconnect !== undefined && (
        <button type="button" className="button button--small button--ghost" onClick={onReconnect}>
          Reconnect
        </button>
      )}
    </span>
  );
}
