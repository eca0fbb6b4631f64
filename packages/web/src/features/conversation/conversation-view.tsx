import { useState } from 'react';
import { describeError } from '../../app/backend';
import { Composer } from '../../components/composer';
import { ErrorBanner } from '../../components/error-banner';
import { AgentStateBadge } from './agent-state-badge';
import { ConnectionStatus } from './connection-status';
import type { ConversationViewModel } from './conversation-view-model';
import { isAgentBusy, isAwaitingConfirmation } from './conversation-view-model';
import { EventList } from './event-list';

/** The live part of a conversation: status bar, history, streamed answer and the composer. */
export function ConversationView({ view }: { view: ConversationViewModel }) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [stopping, setStopping] = useState(false);
  const busy = isAgentBusy(view);

  const send = async (text: string) => {
    setActionError(null);
    try {
      await view.sendMessage(text);
    } catch (caught) {
      setActionError(`Not sent: ${describeError(caught)}`);
      throw caught;
    }
  };

  const stop = async () => {
    setActionError(null);
    setStopping(true);
    try {
      await view.stop();
    } catch (caught) {
      setActionError(`Could not stop: ${describeError(caught)}`);
    } finally {
      setStopping(false);
    }
  };

  const offline = view.connection !== 'open';
  return (
    <section className="conversation" aria-label="Conversation">
      <div className="status-bar">
        <AgentStateBadge agentState={view.agentState} executionStatus={view.executionStatus} />
        <ConnectionStatus
          connection={view.connection}
          isReconnecting={view.isReconnecting}
          attemptCount={view.attemptCount}
          onReconnect={view.reconnect}
        />
        <button
          type="button"
          className="button button--danger button--small status-bar__stop"
          onClick={() => void stop()}
          disabled={!(busy || isAwaitingConfirmation(view)) || stopping}
          data-testid="stop-button"
        >
          <span className="stop-icon" aria-hidden="true" />
          {stopping ? 'Stopping…' : 'Stop'}
        </button>
      </div>
      {view.error !== null && <ErrorBanner message={view.error} onDismiss={view.clearError} />}
      {actionError !== null && (
        <ErrorBanner message={actionError} onDismiss={() => setActionError(null)} />
      )}
      <EventList
        events={view.events}
        liveOutput={view.liveOutput}
        executionStatus={view.executionStatus}
        onConfirmation={view.respondToConfirmation}
        partialText={view.partialText}
        interruptedReplies={view.interruptedReplies}
        pendingMessage={view.pendingMessage}
        isLoadingHistory={view.isLoadingHistory}
        busy={busy}
      />
      <div className="composer-dock">
        <Composer
          label="Message"
          placeholder={
            offline
              ? 'Waiting for the connection…'
              : busy
                ? 'The agent is working; your message will queue'
                : 'Message the agent…'
          }
          onSubmit={send}
          disabled={offline || view.isLoadingHistory}
          inputTestId="message-input"
          submitTestId="send-button"
        />
      </div>
    </section>
  );
}
