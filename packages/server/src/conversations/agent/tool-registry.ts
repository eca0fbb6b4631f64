import type { ActionEvent, ObservationEvent } from '@parley/protocol';
import type { ToolDefinition } from '../../llm/language-model.js';

/** Tools found at run time (MCP); rejects only with `AbortedError`. */
export type ToolLoader = (signal: AbortSignal) => Promise<readonly AgentTool[]>;

export interface ToolRunOptions {
  readonly signal: AbortSignal;
  /** Output while the tool runs (a command's); logged as streaming deltas caused by the action. */
  readonly onOutput?: (chunk: string) => void;
}

/** A tool the agent may call: its definition for the model, the action it logs and its result. */
export interface AgentTool {
  readonly definition: ToolDefinition;
  /** True for tools that act (commands, edits, MCP calls): confirmation mode asks the user first. */
  readonly needsConfirmation?: boolean;
  /** The action event for a call with these arguments (no source, id or metadata yet). */
  action(args: Readonly<Record<string, unknown>>): ActionEvent;
  /**
   * Runs the call. Resolves with the observation to log, or undefined when the tool ends the turn
   * (`finish`). Must stop at once, rejecting with `AbortedError`, when `signal` fires.
   */
  run(
    args: Readonly<Record<string, unknown>>,
    options: ToolRunOptions,
  ): Promise<ObservationEvent | undefined>;
}

/** Upstream's think tool: a place for the model to reason; nothing runs. */
export const thinkTool: AgentTool = {
  definition: {
    name: 'think',
    description:
      'Use the tool to think about something. It will not obtain new information or change anything, ' +
      'but just log the thought. Use it when complex reasoning or brainstorming is needed.',
    parameters: {
      type: 'object',
      properties: { thought: { type: 'string', description: 'The thought to log.' } },
      required: ['thought'],
    },
  },
  action: (args) => ({
    action: 'think',
    args: { thought: typeof args['thought'] === 'string' ? args['thought'] : '' },
  }),
  run: () =>
    Promise.resolve({
      observation: 'think',
      content: 'Your thought has been logged.',
      extras: {},
    }),
};

/** Upstream's finish tool: the agent says the task is done; the turn ends in state `finished`. */
export const finishTool: AgentTool = {
  definition: {
    name: 'finish',
    description: 'Signals that the task is complete, with a final message to the user.',
    parameters: {
      type: 'object',
      properties: { message: { type: 'string', description: 'The final message to the user.' } },
      required: ['message'],
    },
  },
  action: (args) => ({
    action: 'finish',
    args: {
      final_thought: typeof args['message'] === 'string' ? args['message'] : '',
      outputs: {},
      thought: '',
    },
  }),
  run: () => Promise.resolve(undefined),
};

/**
 * The tools a conversation's turns offer the model; an unknown name is reported back to the model
 * as an error. Tools that keep state (the shell session) are ended by `close`.
 */
export class ToolRegistry {
  readonly #tools = new Map<string, AgentTool>();
  readonly #closers: (() => Promise<void>)[];
  #loaders: ToolLoader[];

  /**
   * `loaders` add tools found at run time (a user's MCP servers) on the first `prepare`; a name
   * already taken keeps its first tool.
   */
  constructor(
    tools: readonly AgentTool[] = [thinkTool, finishTool],
    closers: readonly (() => Promise<void>)[] = [],
    loaders: readonly ToolLoader[] = [],
  ) {
    for (const tool of tools) this.#tools.set(tool.definition.name, tool);
    this.#closers = [...closers];
    this.#loaders = [...loaders];
  }

  /** Runs the loaders not yet run; rejects only with `AbortedError` (then they run next time). */
  async prepare(signal: AbortSignal): Promise<void> {
    for (const loader of [...this.#loaders]) {
      const tools = await loader(signal);
      for (const tool of tools) {
        if (!this.#tools.has(tool.definition.name)) this.#tools.set(tool.definition.name, tool);
      }
      this.#loaders = this.#loaders.filter((other) => other !== loader);
    }
  }

  /** Ends what the tools keep running (a command left running, MCP connections). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#closers.map((close) => close()));
  }

  get definitions(): ToolDefinition[] {
    return [...this.#tools.values()].map((tool) => tool.definition);
  }

  get(name: string): AgentTool | undefined {
    return this.#tools.get(name);
  }
}

/** The call's arguments as an object; a string error when they are not a JSON object. */
export function parseToolArguments(input: string): Record<string, unknown> | string {
  if (input.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(input);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    return 'the arguments are not a JSON object';
  } catch {
    return 'the arguments are not valid JSON';
  }
}
