import type { EventStore } from '../../events/event-store.js';
import type { EventStream } from '../../events/event-stream.js';
import type { LanguageModel } from '../../llm/language-model.js';
import type { ModelSettings } from '../../llm/model-settings.js';
import type { Logger } from '../../shared/logger.js';
import type { StatusUpdate } from '../realtime-notifier.js';
import type { ObservationEvent } from '@parley/protocol';
import type { ToolRegistry, ToolRunOptions } from './tool-registry.js';
import type { TurnSettings } from './turn-runner.js';
import type { LoopLease } from './loop-log.js';

/** What an `AgentLoop` is built with (the conversation manager builds it). */
export interface AgentLoopOptions {
  conversationId: string;
  userId: string;
  /** The conversation's stream, held for the loop: `releaseStream` ends the hold once it closed. */
  stream: EventStream;
  releaseStream(): void;
  eventStore: EventStore;
  createModel(llm: ModelSettings): LanguageModel;
  /** The conversation's tools; closed with the loop. */
  tools: ToolRegistry;
  /**
   * Runs a command the user typed (a `run` action: the stock UI's terminal) in the conversation's
   * shell; without it such actions are answered with an error observation.
   */
  runUserCommand?: (command: string, options: ToolRunOptions) => Promise<ObservationEvent>;
  settings: Omit<TurnSettings, 'maxBudgetPerTask'>;
  maxBudgetPerTask: number | null;
  llm: ModelSettings;
  sendStatus(update: StatusUpdate): void;
  /**
   * Called with the first user message's text when the conversation still has no title, and the
   * signal of the conversation's work outside turns: a stop or close aborts it.
   */
  onFirstMessage?: (text: string, signal: AbortSignal) => void;
  /** In a cluster: the lease every append is fenced with. */
  lease?: LoopLease | undefined;
  /** Answer the user messages no turn took up yet, once started (a takeover after a crash). */
  answerQueued?: boolean | undefined;
  now(): number;
  logger: Logger;
}
