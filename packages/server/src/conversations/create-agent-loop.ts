import type { EventStore } from '../events/event-store.js';
import type { EventStreams } from '../events/event-streams.js';
import type { LanguageModel } from '../llm/language-model.js';
import type { ModelSettings } from '../llm/model-settings.js';
import type { Logger } from '../shared/logger.js';
import { AgentLoop } from './agent/agent-loop.js';
import type { ConversationTools } from './agent/tools/workspace-tools.js';
import type { TurnSettings } from './agent/turn-runner.js';
import type { StartOptions, TurnLimits } from './agent-loops.js';
import { systemPrompt, type ConversationManagerSettings } from './conversation-manager-settings.js';
import { defaultConversationTitle, type ConversationMetadata } from './conversation-metadata.js';
import type { ConversationTitles } from './conversation-title.js';
import type { RealtimeNotifier } from './realtime-notifier.js';

/** What the conversation manager builds its loops from. */
export interface AgentLoopParts {
  eventStreams: EventStreams;
  eventStore: EventStore;
  createModel(llm: ModelSettings): LanguageModel;
  /** Stores a generated title; resolves false when the conversation is gone. */
  updateTitle(userId: string, conversationId: string, title: string): Promise<boolean>;
  settings: ConversationManagerSettings;
  /** The tools of one conversation's loop (closed with it). */
  toolsFor(conversation: ConversationMetadata, options: StartOptions): ConversationTools;
  titles: ConversationTitles;
  /** The clients' notifier at the time of the call (the realtime layer sets it after the start). */
  notifier(): RealtimeNotifier;
  now(): number;
  logger: Logger;
}

/**
 * A loop for `conversation`, holding the conversation's stream with the start's secrets on it. Its
 * turns take the user's limits over the server's (the budget over the conversation's), and a
 * conversation still without a title gets one from its first message.
 */
export function createAgentLoop(
  conversation: ConversationMetadata,
  options: StartOptions,
  parts: AgentLoopParts,
): AgentLoop {
  const { conversationId, userId } = conversation;
  const { llm } = options;
  const limits: TurnLimits = options.limits ?? {};
  const tools = parts.toolsFor(conversation, options);
  const stream = parts.eventStreams.acquire(conversationId);
  stream.stream.setSecrets(options.secrets);
  const settings: Omit<TurnSettings, 'maxBudgetPerTask'> = {
    maxIterations: limits.maxIterations ?? parts.settings.maxIterations,
    deltaIntervalMs: parts.settings.deltaIntervalMs,
    deltaMaxChars: parts.settings.deltaMaxChars,
    contextWindowTokens: parts.settings.contextWindowTokens,
    systemPrompt: tools.systemPrompt ?? systemPrompt,
    confirmationMode: limits.confirmationMode ?? false,
  };
  const loopLogger = parts.logger.child({ conversationId });
  const needsTitle =
    conversation.title === null || conversation.title === defaultConversationTitle(conversationId);
  const loop: AgentLoop = new AgentLoop({
    conversationId,
    userId,
    stream: stream.stream,
    releaseStream: stream.release,
    eventStore: parts.eventStore,
    createModel: (choice) => parts.createModel(choice),
    tools: tools.registry,
    ...(tools.runUserCommand === undefined ? {} : { runUserCommand: tools.runUserCommand }),
    settings,
    maxBudgetPerTask:
      limits.maxBudgetPerTask === undefined
        ? conversation.maxBudgetPerTask
        : limits.maxBudgetPerTask,
    llm,
    sendStatus: (update) => parts.notifier().sendStatusUpdate(conversationId, update),
    ...(needsTitle
      ? {
          onFirstMessage: (text: string, signal: AbortSignal) =>
            parts.titles.start(text, signal, {
              modelFor: () =>
                parts.settings.titleFromLlm && llm.model !== 'demo'
                  ? parts.createModel(llm)
                  : undefined,
              store: (title) => parts.updateTitle(userId, conversationId, title),
              announce: (title) => parts.notifier().sendTitleUpdate(conversationId, title),
              logger: loopLogger,
            }),
        }
      : {}),
    lease: options.lease,
    answerQueued: options.answerQueued,
    now: parts.now,
    logger: loopLogger,
  });
  return loop;
}
