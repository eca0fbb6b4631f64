import type {
  ConversationMetadata,
  NewConversationMetadata,
} from '../../src/conversations/conversation-metadata.js';
import type {
  ConversationFilter,
  ConversationPage,
  ConversationSearch,
  ConversationStore,
} from '../../src/conversations/conversation-store.js';

/** Where a paused `create` waits: before the real insert, or after it committed. */
export type CreatePausePoint = 'before-insert' | 'after-insert';

export interface PausedCreate {
  /** Resolves once the create is waiting for its caller's signal: drop the client now. */
  paused: Promise<void>;
  /** The create's outcome as the service sees it, once its signal fired and it went on. */
  settled: Promise<PromiseSettledResult<ConversationMetadata>>;
}

interface Pause {
  point: CreatePausePoint;
  reached: () => void;
  settle: (outcome: PromiseSettledResult<ConversationMetadata>) => void;
}

/**
 * The real conversation store with a hook point: an armed `create` stops at the chosen point
 * until the signal it was given fires (a request's `clientGone`: the test destroys the client's
 * socket), then goes on with that signal. No timer decides anything: the test drops the client
 * when `paused` resolves, and the store resumes on the abort itself.
 */
export class PausingConversationStore implements ConversationStore {
  readonly #inner: ConversationStore;
  #pause: Pause | undefined;

  constructor(inner: ConversationStore) {
    this.#inner = inner;
  }

  /** Arms the next `create`. */
  pauseNextCreate(point: CreatePausePoint): PausedCreate {
    let reached!: () => void;
    let settle!: (outcome: PromiseSettledResult<ConversationMetadata>) => void;
    const paused = new Promise<void>((resolve) => (reached = resolve));
    const settled = new Promise<PromiseSettledResult<ConversationMetadata>>(
      (resolve) => (settle = resolve),
    );
    this.#pause = { point, reached, settle };
    return { paused, settled };
  }

  async create(
    metadata: NewConversationMetadata,
    options: { signal?: AbortSignal } = {},
  ): Promise<ConversationMetadata> {
    const pause = this.#pause;
    this.#pause = undefined;
    if (pause === undefined) return this.#inner.create(metadata, options);
    const { signal } = options;
    if (signal === undefined) throw new Error('the paused create was given no signal to wait for');
    const outcome = this.#createPausing(metadata, signal, pause);
    pause.settle(await settledOf(outcome));
    return outcome;
  }

  async #createPausing(
    metadata: NewConversationMetadata,
    signal: AbortSignal,
    pause: Pause,
  ): Promise<ConversationMetadata> {
    if (pause.point === 'before-insert') {
      pause.reached();
      await untilAborted(signal);
      return this.#inner.create(metadata, { signal });
    }
    const created = await this.#inner.create(metadata, { signal });
    pause.reached();
    await untilAborted(signal);
    return created;
  }

  get(
    userId: string,
    conversationId: string,
    options?: { signal?: AbortSignal },
  ): Promise<ConversationMetadata | undefined> {
    return this.#inner.get(userId, conversationId, options);
  }

  owns(userId: string, conversationId: string, options?: { signal?: AbortSignal }) {
    return this.#inner.owns(userId, conversationId, options);
  }

  search(userId: string, search: ConversationSearch): Promise<ConversationPage> {
    return this.#inner.search(userId, search);
  }

  count(
    userId: string,
    filter: ConversationFilter,
    options?: { signal?: AbortSignal },
  ): Promise<number> {
    return this.#inner.count(userId, filter, options);
  }

  updateTitle(
    userId: string,
    conversationId: string,
    title: string,
    options?: { signal?: AbortSignal },
  ): Promise<boolean> {
    return this.#inner.updateTitle(userId, conversationId, title, options);
  }

  delete(userId: string, conversationId: string, options?: { signal?: AbortSignal }) {
    return this.#inner.delete(userId, conversationId, options);
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

async function settledOf<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  try {
    return { status: 'fulfilled', value: await promise };
  } catch (error) {
    return { status: 'rejected', reason: error };
  }
}
