import { useEffect, useMemo, useRef } from 'react';
import type { V1Event, V1ExecutionStatus } from '@parley/protocol';
import { buildToolCards } from './cards/tool-cards';
import type { InterruptedReply } from './conversation-view-model';
import { EventItem, isVisibleEvent } from './event-item';

interface EventListProps {
  events: readonly V1Event[];
  /** Output of running commands so far, by action id. */
  liveOutput?: Readonly<Record<string, string>>;
  executionStatus?: V1ExecutionStatus | null;
  /** Answers the action waiting for confirmation; without it no buttons are shown. */
  onConfirmation?: ((accept: boolean) => Promise<void>) | undefined;
  partialText: string;
  interruptedReplies: readonly InterruptedReply[];
  pendingMessage: string | null;
  isLoadingHistory: boolean;
  busy: boolean;
}

/**
 * The conversation's history, then the user's message waiting for its echo, then the answer being
 * streamed. Keeps the view pinned to the bottom while the reader is there; leaves it alone when they
 * have scrolled up to read.
 */
export function EventList({
  events,
  liveOutput = noLiveOutput,
  executionStatus = null,
  onConfirmation,
  partialText,
  interruptedReplies,
  pendingMessage,
  isLoadingHistory,
  busy,
}: EventListProps) {
  const pinned = useRef(true);

  useEffect(() => {
    const onScroll = () => {
      const distance = document.documentElement.scrollHeight - window.scrollY - window.innerHeight;
      pinned.current = distance < 120;
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => window.removeEventListener('scroll', onScroll);
  }, []);

  const cards = useMemo(
    () => buildToolCards(events, liveOutput, executionStatus),
    [events, liveOutput, executionStatus],
  );
  const visible = events.filter((event) => isVisibleEvent(event) && !cards.hiddenIds.has(event.id));
  useEffect(() => {
    // To the very bottom, so the last message sits above the composer docked below the list.
    if (pinned.current) window.scrollTo?.({ top: document.documentElement.scrollHeight });
  }, [visible.length, partialText, pendingMessage, liveOutput, cards]);

  const waitingForFirstToken = busy && partialText === '' && pendingMessage === null;
  return (
    <div className="history">
      {isLoadingHistory && (
        <p className="history__loading" role="status">
          Loading history…
        </p>
      )}
      <ol
        className="event-list"
        data-testid="event-list"
        aria-label="Conversation history"
        aria-live="off"
      >
        {withInterruptedReplies(visible, interruptedReplies).map((item) =>
          'kind' in item ? (
            <EventItem
              key={item.id}
              event={item}
              toolCard={cards.byActionId.get(item.id)}
              onConfirmation={onConfirmation}
            />
          ) : (
            <li
              key={`interrupted-${item.afterEventId}`}
              className="message message--assistant message--interrupted"
            >
              <span className="message__author">Agent</span>
              <div className="message__body">{item.text}</div>
              <span className="message__time">stopped before the end</span>
            </li>
          ),
        )}
        {pendingMessage !== null && (
          <li className="message message--user message--pending" data-pending="true">
            <span className="message__author">You</span>
            <div className="message__body">{pendingMessage}</div>
            <span className="message__time">sending…</span>
          </li>
        )}
        {partialText !== '' && (
          <li className="message message--assistant message--streaming">
            <span className="message__author">Agent</span>
            <div
              className="message__body"
              data-testid="assistant-partial"
              aria-live="polite"
              aria-busy="true"
            >
              {partialText}
              <span className="caret" aria-hidden="true" />
            </div>
          </li>
        )}
        {waitingForFirstToken && (
          <li
            className="message message--assistant message--thinking"
            aria-label="The agent is thinking"
          >
            <span className="message__author">Agent</span>
            <div className="message__body">
              <span className="typing" aria-hidden="true">
                <span />
                <span />
                <span />
              </span>
            </div>
          </li>
        )}
      </ol>
      {visible.length === 0 &&
        pendingMessage === null &&
        partialText === '' &&
        !isLoadingHistory &&
        !busy && <p className="empty-state">No messages yet. Say hello below.</p>}
    </div>
  );
}

const noLiveOutput: Readonly<Record<string, string>> = {};

function numericId(id: string): number {
  return /^\d{1,15}$/.test(id) ? Number(id) : Number.POSITIVE_INFINITY;
}

/** The events with each cut-short reply placed where its streaming stopped. */
function withInterruptedReplies(
  events: readonly V1Event[],
  replies: readonly InterruptedReply[],
): (V1Event | InterruptedReply)[] {
  if (replies.length === 0) return [...events];
  const pending = [...replies].sort(
    (a, b) => numericId(a.afterEventId) - numericId(b.afterEventId),
  );
  const merged: (V1Event | InterruptedReply)[] = [];
  for (const event of events) {
    while (
      pending.length > 0 &&
      numericId((pending[0] as InterruptedReply).afterEventId) < numericId(event.id)
    ) {
      merged.push(pending.shift() as InterruptedReply);
    }
    merged.push(event);
  }
  return [...merged, ...pending];
}
