import { ParleyError } from '../shared/errors.js';
/** The conversation manager's settings (from `config.conversations`) and its defaults. */

export interface ConversationManagerSettings {
  /** Running conversations per user; starting one more closes the least recently active (3). */
  maxRunningPerUser: number;
  /** Idle time after which a loop without connections and not working is closed; 0 = never. */
  closeDelayMs: number;
  /** How often the cleanup runs (15 s). */
  cleanupIntervalMs: number;
  maxIterations: number;
  deltaIntervalMs: number;
  deltaMaxChars: number;
  /** Context window assumed for history trimming when the model does not say. */
  contextWindowTokens: number;
  /** Ask the LLM for titles (else the first message, truncated). */
  titleFromLlm: boolean;
}

export const defaultConversationManagerSettings: ConversationManagerSettings = {
  maxRunningPerUser: 3,
  closeDelayMs: 3_600_000,
  cleanupIntervalMs: 15_000,
  maxIterations: 500,
  deltaIntervalMs: 50,
  deltaMaxChars: 400,
  contextWindowTokens: 128_000,
  titleFromLlm: true,
};

/** Timers the cleanup loop uses; tests pass manual ones. */
export interface ManagerTimers {
  setInterval(callback: () => void, milliseconds: number): unknown;
  clearInterval(handle: unknown): void;
}

/** The agent's system prompt. */
export const systemPrompt =
  "You are Parley's assistant, a helpful AI agent. Answer the user directly and concisely. " +
  'You have a `think` tool to note reasoning and a `finish` tool to end a task; you cannot run ' +
  'commands, read files or browse.';

/** What `start` and `dispatch` answer once shutdown began (REST 503, a socket error frame). */
export function shuttingDownError(): ParleyError {
  return new ParleyError(
    'SERVER_SHUTTING_DOWN',
    'The server is shutting down; send this again once it is back',
  );
}
