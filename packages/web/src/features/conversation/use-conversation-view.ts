// Adapter from the data layer's `useConversationStream` (src/state/) to what the conversation page
// renders. The stream hook has no stop: stopping goes through REST (`POST …/stop`, or in V1 mode
// the agent-server's `POST …/pause`), which ends the turn; the next message starts the agent again. Confirm and Reject go through REST too
// (`POST …/events/respond_to_confirmation`).
import { useCallback, useMemo, useState } from 'react';
import { api, readSessionApiKey, usesV1ConversationApi } from '../../app/backend';
import { useConversationStream } from '../../state';
import type { ConversationStream } from '../../state';
import type { ConnectionState, ConversationViewModel } from './conversation-view-model';

const connectionStates: Record<ConversationStream['connection'], ConnectionState> = {
  CONNECTING: 'connecting',
  OPEN: 'open',
  RECONNECTING: 'connecting',
  CLOSED: 'closed',
};

export function useConversationView(
  conversationId: string,
  conversationUrl: string | null = null,
): ConversationViewModel & { stream: ConversationStream } {
  const [sessionApiKey] = useState(readSessionApiKey);
  const stream = useConversationStream({ conversationId, conversationUrl, sessionApiKey });
  const stop = useCallback(async () => {
    if (usesV1ConversationApi()) await api.pauseConversation(conversationId);
    else await api.stopConversation(conversationId);
  }, [conversationId]);
  const respondToConfirmation = useCallback(
    async (accept: boolean) => {
      await api.respondToConfirmation(conversationId, { accept });
    },
    [conversationId],
  );

  return useMemo(
    () => ({
      stream,
      events: stream.events,
      partialText: stream.streaming?.text ?? '',
      liveOutput: stream.liveOutput,
      interruptedReplies: stream.interruptedReplies.map((reply) => ({
        afterEventId: reply.lastDeltaId,
        text: reply.text,
      })),
      executionStatus: stream.executionStatus,
      agentState: null,
      connection: connectionStates[stream.connection],
      isReconnecting: stream.isReconnecting,
      attemptCount: stream.attemptCount,
      error: stream.errorMessage,
      clearError: stream.clearError,
      isLoadingHistory: stream.isLoadingHistory,
      pendingMessage: stream.optimisticMessage,
      sendMessage: stream.sendMessage,
      stop,
      respondToConfirmation,
      reconnect: stream.reconnect,
    }),
    [stream, stop, respondToConfirmation],
  );
}
