import {
  agentStateChangedObservation,
  type ActionEvent,
  type ConversationStatus,
} from '@parley/protocol';
import type {
  AgentLoopStatus,
  AgentLoops,
  StartOptions,
} from '../../src/conversations/agent-loops.js';
import type { ConversationMetadata } from '../../src/conversations/conversation-metadata.js';
import type { EventStreams } from '../../src/events/event-streams.js';

const stopped: AgentLoopStatus = { status: 'STOPPED', runtimeStatus: null, numConnections: 0 };
const running: AgentLoopStatus = {
  status: 'RUNNING',
  runtimeStatus: 'STATUS$READY',
  numConnections: 0,
};

/**
 * A stand-in for the conversation manager, for tests of the REST and realtime faces over fixed
 * logs: "running" is a flag, client actions are appended as user events and no agent answers, so
 * a test's fixture ids stay where it put them.
 */
export class LogOnlyAgentLoops implements AgentLoops {
  readonly #eventStreams: EventStreams;
  readonly #running = new Set<string>();

  constructor(options: { eventStreams: EventStreams }) {
    this.#eventStreams = options.eventStreams;
  }

  status(conversationId: string): AgentLoopStatus {
    return this.#running.has(conversationId) ? running : stopped;
  }

  async start(
    conversation: ConversationMetadata,
    options: StartOptions,
  ): Promise<ConversationStatus> {
    const { conversationId } = conversation;
    if (this.#running.has(conversationId)) return 'RUNNING';
    this.#running.add(conversationId);
    const stream = this.#eventStreams.get(conversationId);
    stream.setSecrets(options.secrets);
    const events = [];
    if (options.initialMessage !== undefined) {
      events.push(userMessage(options.initialMessage.content, options.initialMessage.imageUrls));
    }
    events.push({
      ...agentStateChangedObservation('awaiting_user_input'),
      source: 'agent' as const,
    });
    await stream.append(events);
    return 'RUNNING';
  }

  async stop(conversationId: string): Promise<boolean> {
    if (!this.#running.delete(conversationId)) return false;
    await this.#eventStreams
      .get(conversationId)
      .append([{ ...agentStateChangedObservation('stopped'), source: 'agent' }]);
    return true;
  }

  async dispatch(
    conversation: ConversationMetadata,
    action: ActionEvent,
    options: { secrets: Readonly<Record<string, string>> },
  ): Promise<void> {
    const stream = this.#eventStreams.get(conversation.conversationId);
    stream.setSecrets(options.secrets);
    await stream.append([{ ...action, source: 'user' }]);
  }

  async forget(conversationId: string): Promise<void> {
    this.#running.delete(conversationId);
  }

  async close(): Promise<void> {
    this.#running.clear();
  }
}

function userMessage(content: string, imageUrls: string[]): ActionEvent {
  return {
    action: 'message',
    source: 'user',
    message: content,
    args: { content, image_urls: imageUrls, file_urls: [], wait_for_response: false },
  } as ActionEvent;
}
