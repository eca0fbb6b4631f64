import type { AgentState } from '@parley/protocol';
import type { NewEvent, StoredEvent } from '../../events/event-store.js';
import type { LanguageModel } from '../../llm/language-model.js';
import type { StatusUpdate } from '../realtime-notifier.js';
import type { ConfirmationAnswer } from './confirmation-gate.js';
import type { LlmMetricsAccumulator } from './llm-metrics-accumulator.js';
import type { ToolRegistry } from './tool-registry.js';

export interface TurnSettings {
  maxIterations: number;
  maxBudgetPerTask: number | null;
  deltaIntervalMs: number;
  deltaMaxChars: number;
  contextWindowTokens: number;
  systemPrompt: string;
  /** Upstream's confirmation mode: tools that act wait for the user's confirmation. */
  confirmationMode: boolean;
}

/** Everything one turn needs; the agent loop builds it. Appends are dropped once `signal` fired. */
export interface TurnContext {
  signal: AbortSignal;
  model: LanguageModel;
  tools: ToolRegistry;
  metrics: LlmMetricsAccumulator;
  settings: TurnSettings;
  /** User messages queued for later turns (left out of this turn's history). */
  pendingMessageIds(): ReadonlySet<number>;
  readLog(signal: AbortSignal): Promise<StoredEvent[]>;
  /** Appends unless the turn was stopped; resolves with the stored events, or [] when skipped. */
  append(events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /** Moves the agent state mid-turn (`rate_limited`, back to `running`). */
  setState(state: AgentState): void;
  currentState(): AgentState;
  sendStatus(update: StatusUpdate): void;
  /**
   * Confirmation mode: records that `actionId` awaits the user and resolves with their answer
   * (the state is `running` again by then); rejects with `AbortedError` on a stop.
   */
  awaitConfirmation(actionId: number): Promise<ConfirmationAnswer>;
}

/** One model response: its text, id and tool calls. */
export interface StepResponse {
  text: string;
  responseId: string;
  toolCalls: { toolCallId: string; toolName: string; input: string }[];
}
