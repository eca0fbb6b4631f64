import type { ActionEvent } from '@parley/protocol';
import type { LoopMemory } from './loop-memory.js';

/**
 * What an agent loop remembers of its user's messages: the client message ids taken (a resend
 * with one of them is not answered twice) and whether any message came yet (the first one names
 * the conversation).
 */
export class UserMessages {
  readonly #acceptedClientIds = new Set<string>();
  #sawOne = false;
  /** Messages up to this id were answered, queued or dropped: a logged one is taken only after it. */
  #handledThrough = -1;
  readonly #onFirst: ((text: string) => void) | undefined;

  constructor(onFirst?: (text: string) => void) {
    this.#onFirst = onFirst;
  }

  /** Takes back what the log says (a restarted loop). */
  restore(memory: LoopMemory): void {
    if (memory.sawUserMessage) this.#sawOne = true;
    this.#handledThrough = Math.max(this.#handledThrough, memory.handledThrough);
    for (const clientId of memory.acceptedClientIds) this.#acceptedClientIds.add(clientId);
  }

  /** False when a message with this client id was taken before (a resend); else remembers it. */
  accept(clientId: string | undefined): boolean {
    if (clientId === undefined) return true;
    if (this.#acceptedClientIds.has(clientId)) return false;
    this.#acceptedClientIds.add(clientId);
    return true;
  }

  /**
   * For a message already in the log (`takeLoggedAction`): false when it was taken up before (the
   * log delivered it twice, or the loop read it back when it started) or is a resend.
   */
  acceptLogged(id: number, clientId: string | undefined): boolean {
    if (id <= this.#handledThrough) return false;
    return this.accept(clientId);
  }

  /** Notes a message queued for an answer; the first one ever is handed to `onFirst`. */
  queued(id: number, text: string): void {
    if (id > this.#handledThrough) this.#handledThrough = id;
    if (this.#sawOne) return;
    this.#sawOne = true;
    this.#onFirst?.(text);
  }
}

/** The message action of a conversation's initial message (`POST /api/conversations`). */
export function initialMessageAction(message: {
  content: string;
  imageUrls: string[];
}): ActionEvent {
  return {
    action: 'message',
    message: message.content,
    args: {
      content: message.content,
      image_urls: message.imageUrls,
      file_urls: [],
      wait_for_response: false,
    },
  } as ActionEvent;
}
