import type { ActionEvent, ConversationStatus } from '@parley/protocol';
import type { ModelSettings } from '../llm/model-settings.js';
import type { LoopLease } from './agent/loop-log.js';
import type { ConversationMetadata } from './conversation-metadata.js';

export interface AgentLoopStatus {
  status: ConversationStatus;
  /** Upstream runtime status such as `STATUS$READY`; null when no loop runs. */
  runtimeStatus: string | null;
  numConnections: number;
}

export interface StartOptions {
  /** The LLM the conversation's turns use, resolved from the user's settings (`chooseLlm`). */
  llm: ModelSettings;
  /** Secrets to mask in every event of the conversation. */
  secrets: Readonly<Record<string, string>>;
  initialMessage?: { content: string; imageUrls: string[] } | undefined;
  /** The user's own limits (settings); absent ones fall back to the server's and the conversation's. */
  limits?: TurnLimits | undefined;
  /** The user's `mcp_config` (settings): the MCP servers whose tools the agent is offered. */
  mcpConfig?: unknown;
  /** The user's custom secrets by name; commands see them only when the operator exports them. */
  customSecrets?: Readonly<Record<string, string>>;
  /** In a cluster: the lease the loop's appends are fenced with (`ClusterAgentLoops`). */
  lease?: LoopLease | undefined;
  /** Answer the messages no turn took up (a takeover after the owner died). */
  answerQueued?: boolean | undefined;
}

export interface TurnLimits {
  /** Steps (LLM calls) per turn. */
  maxIterations?: number | undefined;
  /** Dollars per conversation; null means no budget. */
  maxBudgetPerTask?: number | null | undefined;
  /** Upstream's confirmation mode: the user confirms each action that acts before it runs. */
  confirmationMode?: boolean | undefined;
}

/**
 * What the HTTP and realtime faces need from the conversation manager: start and stop agent loops,
 * report their status, and hand them client actions. `ConversationManager` implements it with real
 * agent loops; tests of the faces over fixed logs use `LogOnlyAgentLoops` (test/support).
 */
export interface AgentLoops {
  status(conversationId: string): AgentLoopStatus;
  /**
   * Starts the loop unless it runs; resolves with the status afterwards. Takes no signal: a loop
   * belongs to the conversation, not to the caller, and its start (logged as state events) runs to
   * its end once begun.
   */
  start(conversation: ConversationMetadata, options: StartOptions): Promise<ConversationStatus>;
  /** Stops the loop; resolves true when one was running. Takes no signal: a stop asked for is carried out. */
  stop(conversationId: string): Promise<boolean>;
  /**
   * Hands a validated client action to the conversation (appending it to the log). Takes no
   * signal: an action handed over is stored whether or not its sender is still there.
   */
  dispatch(
    conversation: ConversationMetadata,
    action: ActionEvent,
    options: { secrets: Readonly<Record<string, string>> },
  ): Promise<void>;
  /** Stops the loop if any and forgets the conversation (before it is deleted). */
  forget(conversationId: string): Promise<void>;
  close(): Promise<void>;
}
