import { useEffect, useState } from 'react';
import type { ConversationInfo } from '@parley/protocol';
import { api, describeError } from '../../app/backend';
import { isDemoModel } from '../../app/format';
import { Link } from '../../app/router';
import { DemoModelLabel } from '../../components/demo-model-label';
import { ErrorBanner } from '../../components/error-banner';
import { MetricsPanel } from '../metrics/metrics-panel';
import { ConversationView } from './conversation-view';
import { isAgentBusy } from './conversation-view-model';
import { useConversationView } from './use-conversation-view';

/** `/conversations/:id`: the conversation's header (title, model), its live view and its usage. */
export function ConversationPage({ conversationId }: { conversationId: string }) {
  const [info, setInfo] = useState<ConversationInfo | null | undefined>(undefined);
  const [infoError, setInfoError] = useState<string | null>(null);
  const view = useConversationView(conversationId, info?.url ?? null);
  const [turnsEnded, setTurnsEnded] = useState(0);
  const busy = isAgentBusy(view);

  // Read the conversation again when a turn ends: its title may have been set and its totals grew.
  useEffect(() => {
    if (!busy) setTurnsEnded((count) => count + 1);
  }, [busy]);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getConversation(conversationId, controller.signal)
      .then((result) => setInfo(result))
      .catch((caught: unknown) => {
        if (!controller.signal.aborted)
          setInfoError(`Could not load the conversation: ${describeError(caught)}`);
      });
    return () => controller.abort();
  }, [conversationId, turnsEnded]);

  useEffect(() => {
    if (info?.title) document.title = `${info.title} · Parley`;
    return () => {
      document.title = 'Parley';
    };
  }, [info?.title]);

  if (info === null) {
    return (
      <div className="page page--narrow">
        <h1 className="page__title">Conversation not found</h1>
        <p>
          It may have been deleted. <Link to="/">Back to your conversations</Link>.
        </p>
      </div>
    );
  }

  return (
    <div className="page conversation-page">
      <div className="conversation-page__main">
        <header className="conversation-header">
          <div className="conversation-header__title">
            <Link to="/" className="back-link" aria-label="Back to conversations">
              ←
            </Link>
            <h1 className="page__title">{info?.title || 'Conversation'}</h1>
          </div>
          <div className="conversation-header__model">
            {info?.llm_model != null &&
              (isDemoModel(info.llm_model) ? (
                <DemoModelLabel />
              ) : (
                <span className="badge" title="The model answering in this conversation">
                  {info.llm_model}
                </span>
              ))}
          </div>
        </header>
        {infoError !== null && (
          <ErrorBanner message={infoError} onDismiss={() => setInfoError(null)} />
        )}
        <ConversationView view={view} />
      </div>
      <aside className="conversation-page__side" aria-label="Conversation details">
        <MetricsPanel metrics={view.stream.metrics} />
      </aside>
    </div>
  );
}
