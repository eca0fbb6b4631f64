/**
 * The offline `demo` model: the default when no LLM is configured. No network; the same request
 * always gets the same reply, streamed word by word at `tokenDelayMs` per word.
 *
 * Tool calls offline: when the last user message is `/tool <name> <JSON arguments>` and the request
 * offers a tool named `<name>`, the demo answers with that tool call (arguments `{}` when the JSON
 * is missing or does not parse). Shortcuts for the workspace tools (`demo-shortcuts.ts`):
 * `/run <command>`, `/create <path> <text>`, `/edit <path> <old> => <new>` and `/view <path>`.
 * After a tool result it reports what the tool returned.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { delay } from '../../shared/abort.js';
import { AbortedError } from '../../shared/errors.js';
import { collectCompletion } from '../collect-completion.js';
import type {
  FinishReason,
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
  TokenUsage,
} from '../language-model.js';
import { LlmCancelledError } from '../llm-errors.js';
import { messageText } from '../message-text.js';
import type { Sleep } from '../retry.js';
import { validateRequest } from '../validate-request.js';
import { demoShortcut } from './demo-shortcuts.js';

export interface DemoModelOptions {
  /** Pause before each streamed word, in ms (default 30: about 33 words per second). */
  readonly tokenDelayMs?: number;
  /** Replaceable for tests; must reject with `AbortedError` when the signal fires. */
  readonly sleep?: Sleep;
}

/** The prefix that turns a user message into a tool call request. */
export const demoToolCommand = '/tool';

const demoNotice =
  "I am Parley's offline demo model: no LLM is configured, so this reply was made on this machine without any network call.";

interface DemoReply {
  readonly text: string;
  readonly toolCall?: { readonly toolName: string; readonly input: string };
}

export class DemoModel implements LanguageModel {
  readonly modelName = 'demo';
  readonly #tokenDelayMs: number;
  readonly #sleep: Sleep;

  constructor(options: DemoModelOptions = {}) {
    this.#tokenDelayMs = options.tokenDelayMs ?? 30;
    this.#sleep = options.sleep ?? delay;
  }

  async *stream(
    request: LanguageModelRequest,
    options: LanguageModelCallOptions = {},
  ): AsyncGenerator<LanguageModelPart, void, undefined> {
    validateRequest(request);
    const { signal } = options;
    const startedAt = performance.now();
    let firstOutputAt: number | undefined;
    const reply = demoReply(request);
    const words = reply.text.match(/\s*\S+/g) ?? [];
    try {
      for (const word of words) {
        if (this.#tokenDelayMs > 0) await this.#sleep(this.#tokenDelayMs, { signal });
        else if (signal?.aborted === true) throw new LlmCancelledError(signal.reason);
        firstOutputAt ??= performance.now();
        yield { type: 'text-delta', text: word };
      }
      if (reply.toolCall !== undefined) {
        if (signal?.aborted === true) throw new LlmCancelledError(signal.reason);
        firstOutputAt ??= performance.now();
        yield {
          type: 'tool-call',
          toolCallId: `demo-call-${shortHash(reply.toolCall.toolName + reply.toolCall.input)}`,
          ...reply.toolCall,
        };
      }
    } catch (error) {
      if (error instanceof AbortedError && !(error instanceof LlmCancelledError)) {
        throw new LlmCancelledError(signal?.reason);
      }
      throw error;
    }
    const promptText = request.messages.map((message) => messageText(message)).join('\n');
    const usage: TokenUsage = {
      promptTokens: Math.ceil(promptText.length / 4),
      completionTokens: words.length + (reply.toolCall === undefined ? 0 : 1),
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    yield { type: 'usage', usage, cost: 0 };
    const reason: FinishReason = reply.toolCall === undefined ? 'stop' : 'tool-calls';
    const endedAt = performance.now();
    yield {
      type: 'finish',
      reason,
      metrics: {
        model: this.modelName,
        responseId: `demo-${shortHash(promptText)}`,
        usage,
        cost: 0,
        latencyMs: endedAt - startedAt,
        timeToFirstTokenMs: firstOutputAt === undefined ? undefined : firstOutputAt - startedAt,
        contextWindow: 0,
      },
    };
  }

  complete(request: LanguageModelRequest, options: LanguageModelCallOptions = {}) {
    return collectCompletion(this.stream(request, options));
  }
}

/** What the demo says to `request`; a pure function of it. */
export function demoReply(request: LanguageModelRequest): DemoReply {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') {
    const result = clip(messageText(last), 300);
    return {
      text: `${demoNotice} The tool ${last.toolName} returned: ${result || '(nothing)'}`,
    };
  }
  const lastUser = [...request.messages].reverse().find((message) => message.role === 'user');
  const said = lastUser === undefined ? '' : messageText(lastUser).trim();
  const shortcut = demoShortcut(said);
  if (shortcut !== undefined) {
    const { toolName, input } = shortcut;
    return offers(request, toolName)
      ? { text: `${demoNotice} ${shortcut.announcement}`, toolCall: { toolName, input } }
      : {
          text: `${demoNotice} I cannot run that here: this conversation offers no ${shortcut.toolName} tool (Parley has no sandbox for it).`,
        };
  }
  const command = new RegExp(`^${demoToolCommand}\\s+(\\S+)\\s*([\\s\\S]*)$`).exec(said);
  if (command !== null) {
    const toolName = command[1] ?? '';
    const offered = (request.tools ?? []).map((tool) => tool.name);
    if (!offered.includes(toolName)) {
      const list = offered.length === 0 ? 'none' : offered.join(', ');
      return {
        text: `${demoNotice} I cannot call "${toolName}": this request offers these tools: ${list}.`,
      };
    }
    return {
      text: `${demoNotice} Calling the tool ${toolName}.`,
      toolCall: { toolName, input: jsonObjectText(command[2] ?? '') },
    };
  }
  return {
    text:
      `${demoNotice} You said: "${clip(said, 200)}". ` +
      'To talk to a real model, set LLM_MODEL (for example openai/gpt-4o or anthropic/claude-sonnet-4-20250514) and LLM_API_KEY. ' +
      'To try the sandbox offline, send "/run <command>" (for example /run ls -la), "/create <file> <text>", ' +
      `"/edit <file> <old text> => <new text>" or "/view <file>"; any tool: "${demoToolCommand} <tool name> {JSON arguments}".`,
  };
}

function offers(request: LanguageModelRequest, toolName: string): boolean {
  return (request.tools ?? []).some((tool) => tool.name === toolName);
}

function jsonObjectText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return JSON.stringify(parsed);
    }
  } catch {
    // Not JSON: no arguments.
  }
  return '{}';
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
