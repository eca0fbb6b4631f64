import { useCallback, useEffect, useState } from 'react';
import type { ConversationInfo } from '@parley/protocol';
import { api, describeError } from '../../app/backend';
import { ErrorBanner } from '../../components/error-banner';
import { Spinner } from '../../components/spinner';
import { ConversationRow } from './conversation-row';

const pageSize = 20;

/** The user's conversations, newest first, one page at a time ("Show more" follows `next_page_id`). */
export function ConversationList() {
  const [conversations, setConversations] = useState<ConversationInfo[]>([]);
  const [nextPageId, setNextPageId] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (pageId: string | null, signal?: AbortSignal) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.listConversations({ pageId, limit: pageSize, signal });
      setConversations((previous) => {
        const base = pageId === null ? [] : previous;
        const known = new Set(base.map((item) => item.conversation_id));
        return [...base, ...page.results.filter((item) => !known.has(item.conversation_id))];
      });
      setNextPageId(page.next_page_id);
    } catch (caught) {
      if (signal?.aborted === true) return;
      setError(`Could not load conversations: ${describeError(caught)}`);
    } finally {
      if (signal?.aborted !== true) setLoading(false);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  const rename = async (id: string, title: string) => {
    try {
      await api.renameConversation(id, title);
      setConversations((list) =>
        list.map((item) => (item.conversation_id === id ? { ...item, title } : item)),
      );
    } catch (caught) {
      setError(`Could not rename: ${describeError(caught)}`);
      throw caught;
    }
  };

  const remove = async (id: string) => {
    try {
      await api.deleteConversation(id);
      setConversations((list) => list.filter((item) => item.conversation_id !== id));
    } catch (caught) {
      setError(`Could not delete: ${describeError(caught)}`);
    }
  };

  return (
    <section className="card" aria-labelledby="conversation-list-heading">
      <div className="card__header">
        <h2 id="conversation-list-heading" className="card__title">
          Conversations
        </h2>
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => void load(null)}
          disabled={loading}
        >
          Refresh
        </button>
      </div>
      {error !== null && (
        <ErrorBanner
          message={error}
          onDismiss={() => setError(null)}
          onRetry={() => void load(null)}
        />
      )}
      <ul className="conversation-list" data-testid="conversation-list" aria-busy={loading}>
        {conversations.map((conversation) => (
          <ConversationRow
            key={conversation.conversation_id}
            conversation={conversation}
            onRename={(title) => rename(conversation.conversation_id, title)}
            onDelete={() => remove(conversation.conversation_id)}
          />
        ))}
      </ul>
      {conversations.length === 0 && !loading && error === null && (
        <p className="empty-state">No conversations yet. Start one above.</p>
      )}
      {loading && <Spinner label="Loading conversations" />}
      {nextPageId !== null && !loading && (
        <button type="button" className="button list-more" onClick={() => void load(nextPageId)}>
          Show more
        </button>
      )}
    </section>
  );
}
