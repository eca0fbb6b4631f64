import { ConversationList } from './conversation-list';
import { NewConversation } from './new-conversation';

export function HomePage() {
  return (
    <div className="page page--narrow">
      <NewConversation />
      <ConversationList />
    </div>
  );
}
