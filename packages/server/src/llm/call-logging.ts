/**
 * Logging around calls, as upstream's debug mixin and `log_completions`: at debug level the prompt
 * (message texts joined by a dashed rule) and the response (text plus `Function call: name(args)`
 * per tool call), whose secrets the logger itself masks (like every log line); failures at warn level (cancellation at debug); and, when
 * a completion log directory is set, one JSON file per successful call:
 * `<directory>/<model with / as __>-<seconds since epoch>.json` holding the messages, the response,
 * the call's arguments, the timestamp and the cost.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortedError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { minimumMaskedLength } from '../shared/secret-registry.js';
import { SecretTextMasker } from '../shared/secret-text-masker.js';
import { collectCompletion } from './collect-completion.js';
import type {
  CallMetrics,
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
} from './language-model.js';
import { errorSummary } from './llm-errors.js';
import { promptText } from './message-text.js';

export interface CallLoggingOptions {
  readonly logger: Logger;
  /**
   * Strings never to write to a completion log file (API keys); each becomes `<secret_hidden>`.
   * Log lines need no list: the logger masks every secret the process registered.
   */
  readonly secrets?: readonly string[];
  /** Set to write one completion log file per call (LOG_COMPLETIONS). */
  readonly completionLogDirectory?: string;
  /** Seconds since the epoch; injectable for tests. */
  readonly now?: () => number;
}

export function withCallLogging(model: LanguageModel, options: CallLoggingOptions): LanguageModel {
  const fileMasker = new SecretTextMasker(options.secrets ?? [], {
    minLength: minimumMaskedLength,
  });
  const mask = (value: unknown): unknown => fileMasker.maskValue(value);
  const now = options.now ?? (() => Date.now() / 1000);
  const { logger } = options;
  let directoryReady: Promise<unknown> | undefined;

  async function* stream(
    request: LanguageModelRequest,
    callOptions: LanguageModelCallOptions = {},
  ): AsyncGenerator<LanguageModelPart, void, undefined> {
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ model: model.modelName, prompt: promptText(request.messages) }, 'LLM prompt');
    }
    let text = '';
    let reasoning = '';
    const toolCalls: { toolCallId: string; toolName: string; input: string }[] = [];
    try {
      for await (const part of model.stream(request, callOptions)) {
        if (part.type === 'text-delta') text += part.text;
        else if (part.type === 'reasoning-delta') reasoning += part.text;
        else if (part.type === 'tool-call') toolCalls.push({ ...part });
        else if (part.type === 'finish') {
          const response = [
            text,
            ...toolCalls.map((call) => `Function call: ${call.toolName}(${call.input})`),
          ].join('\n');
          logger.debug({ model: model.modelName, response, metrics: part.metrics }, 'LLM response');
          if (options.completionLogDirectory !== undefined) {
            const directory = options.completionLogDirectory;
            directoryReady ??= mkdir(directory, { recursive: true });
            await writeCompletionLog(directory, directoryReady, {
              modelName: model.modelName,
              request,
              response: { text, reasoning, toolCalls, finishReason: part.reason },
              metrics: part.metrics,
              timestamp: now(),
              mask,
            }).catch((error: unknown) =>
              logger.warn({ err: error }, 'Could not write the completion log'),
            );
          }
        }
        yield part;
      }
    } catch (error) {
      if (error instanceof AbortedError)
        logger.debug({ model: model.modelName }, 'LLM call cancelled');
      else logger.warn({ failure: errorSummary(error), model: model.modelName }, 'LLM call failed');
      throw error;
    }
  }

  const logged: LanguageModel = {
    modelName: model.modelName,
    stream,
    complete: (request, callOptions = {}) => collectCompletion(logged.stream(request, callOptions)),
  };
  return logged;
}

interface CompletionLogEntry {
  readonly modelName: string;
  readonly request: LanguageModelRequest;
  readonly response: unknown;
  readonly metrics: CallMetrics;
  readonly timestamp: number;
  /** Masks every string of the entry before it is written. */
  readonly mask: (value: unknown) => unknown;
}

async function writeCompletionLog(
  directory: string,
  directoryReady: Promise<unknown>,
  entry: CompletionLogEntry,
): Promise<void> {
  await directoryReady;
  const { messages, ...args } = entry.request;
  const body = {
    messages,
    response: entry.response,
    args,
    timestamp: entry.timestamp,
    cost: entry.metrics.cost ?? 0,
    metrics: entry.metrics,
  };
  const fileName = `${entry.modelName.replaceAll('/', '__')}-${entry.timestamp}.json`;
  const text = JSON.stringify(entry.mask(body), null, 2);
  await writeFile(join(directory, fileName), text, {
    flag: 'wx',
  }).catch(async (error: unknown) => {
    // Two calls in the same microsecond: keep both.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const unique = fileName.replace(/\.json$/, `-${process.hrtime.bigint()}.json`);
    await writeFile(join(directory, unique), text);
  });
}
