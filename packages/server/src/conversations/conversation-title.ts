import { toStorableText } from '@parley/protocol';
import type { LanguageModel } from '../llm/language-model.js';
import type { Logger } from '../shared/logger.js';

/** Longest title kept from the model or from the message. */
const maxTitleLength = 50;

/** Upstream's fallback: the first message cut at a word boundary near 30 characters, with `...`. */
export function truncatedTitle(message: string, maxLength = 30): string {
  const text = message.trim().replace(/\s+/g, ' ');
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > 0 ? cut.slice(0, atWord) : cut).trimEnd()}...`;
}

/**
 * A short title for a conversation that began with `message`: asked of the model (upstream's
 * prompt, in short), falling back to `truncatedTitle` when the call fails or says nothing usable.
 * Nobody chose it, so it is made storable rather than refused: each U+0000 or lone surrogate
 * (a cut may split a pair) becomes U+FFFD.
 */
export async function generateTitle(
  message: string,
  model: LanguageModel | undefined,
  signal: AbortSignal,
): Promise<string> {
  return toStorableText(await titleFor(message, model, signal));
}

async function titleFor(
  message: string,
  model: LanguageModel | undefined,
  signal: AbortSignal,
): Promise<string> {
  if (model !== undefined) {
    try {
      const completion = await model.complete(
        {
          messages: [
            {
              role: 'system',
              content:
                'You write concise, descriptive conversation titles. Answer with the title only: at ' +
                'most 50 characters, no quotes, no trailing punctuation.',
            },
            {
              role: 'user',
              content: `Write a title for a conversation that starts with:\n\n${message}`,
            },
          ],
          maxOutputTokens: 30,
          temperature: 0,
        },
        { signal },
      );
      const title = completion.text
        .trim()
        .replace(/^["'`]+|["'`]+$/g, '')
        .replace(/\s+/g, ' ');
      if (title !== '')
        return title.length <= maxTitleLength ? title : truncatedTitle(title, maxTitleLength);
    } catch {
      // The title is a courtesy: any failure falls back to the truncated message.
    }
  }
  return truncatedTitle(message);
}

/** The longest a title request may take, retries included. */
const titleTimeoutMs = 30_000;

export interface ConversationTitlesOptions {
  /** The model to ask, or undefined to use the truncated message. */
  modelFor(): LanguageModel | undefined;
  /** Stores a title; resolves false when the conversation is gone. */
  store(title: string): Promise<boolean>;
  /** Tells the conversation's clients (after the title was stored). */
  announce(title: string): void;
  logger: Logger;
}

/**
 * Title tasks of the conversation manager. Each runs under its conversation's side-work signal, so
 * a stop or close aborts the title request and its retry sleeps at once (the truncated message is
 * stored instead), and within `titleTimeoutMs` in any case. `settled` lets shutdown wait for them.
 */
export class ConversationTitles {
  readonly #tasks = new Set<Promise<void>>();

  /** Starts titling a conversation from its first message; never rejects. */
  start(message: string, signal: AbortSignal, options: ConversationTitlesOptions): void {
    const task = this.#run(message, signal, options);
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** Resolves once every title task started so far has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#tasks]);
  }

  async #run(
    message: string,
    signal: AbortSignal,
    options: ConversationTitlesOptions,
  ): Promise<void> {
    try {
      const model = signal.aborted ? undefined : options.modelFor();
      const title = await generateTitle(
        message,
        model,
        AbortSignal.any([signal, AbortSignal.timeout(titleTimeoutMs)]),
      );
      if (await options.store(title)) options.announce(title);
    } catch (error) {
      options.logger.warn({ err: error }, 'could not set the title');
    }
  }
}
