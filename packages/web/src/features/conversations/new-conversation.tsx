import { useState } from 'react';
import { api, describeError, usesV1ConversationApi } from '../../app/backend';
import { conversationPath, useRouter } from '../../app/router';
import { Composer } from '../../components/composer';
import { ErrorBanner } from '../../components/error-banner';

/** The first-message box: creating the conversation sends the message and opens it. */
export function NewConversation() {
  const { navigate } = useRouter();
  const [error, setError] = useState<string | null>(null);

  const start = async (text: string) => {
    setError(null);
    try {
      if (usesV1ConversationApi()) {
        const task = await api.startAppConversation(text);
        if (task.app_conversation_id === null) {
          throw new Error(task.detail ?? `The conversation did not start (${task.status})`);
        }
        navigate(conversationPath(task.app_conversation_id));
        return;
      }
      const created = await api.createConversation({ initial_user_msg: text });
      navigate(conversationPath(created.conversation_id));
    } catch (caught) {
      setError(`Could not start the conversation: ${describeError(caught)}`);
      throw caught;
    }
  };

  return (
    <section className="card new-conversation" aria-labelledby="new-conversation-heading">
      <h2 id="new-conversation-heading" className="card__title">
        Start a conversation
      </h2>
      {error !== null && <ErrorBanner message={error} onDismiss={() => setError(null)} />}
      <Composer
        label="First message"
        placeholder="Ask anything…"
        submitLabel="Start"
        onSubmit={start}
        inputTestId="new-conversation-input"
        submitTestId="new-conversation-submit"
        autoFocus
      />
    </section>
  );
}
