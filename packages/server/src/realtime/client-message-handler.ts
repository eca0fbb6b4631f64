import { InvalidEventError, parseIncomingAction, type ActionEvent } from '@parley/protocol';
import type { ConversationService } from '../conversations/conversation-service.js';
import { isParleyError, type ErrorCode } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import type { ClientMessageDispatches } from './client-message-dispatches.js';
import type { MessageRateLimiter } from './message-rate-limiter.js';

/** The conversation use cases the realtime faces call; `ConversationService` provides them. */
export type RealtimeConversations = Pick<ConversationService, 'get' | 'start' | 'dispatchAction'>;

export interface ClientMessageHandlerOptions {
  conversations: RealtimeConversations;
  userId: string;
  conversationId: string;
  rateLimiter: MessageRateLimiter;
  logger: Logger;
  /** The server's accepted messages: their lifetime signal, and shutdown's wait for them. */
  dispatches: ClientMessageDispatches;
  /** Secret values masked out of error texts (a failure may quote a provider's answer). */
  secrets: SecretRegistry;
  /** Tells this client (and nobody else) what was wrong with its message. */
  sendError(code: ErrorCode, message: string): void;
  /** Drops the connection after a sustained flood. */
  disconnectFlood(): void;
}

/** A client message that could not even be read (binary, not JSON, too large). */
export class UnreadableMessage {
  constructor(readonly reason: string) {}
}

/**
 * Takes one connection's messages: rate-limits them, validates each as an OpenHands action dict and
 * hands the valid ones to the conversation one at a time, in arrival order. Every message either
 * gets an error frame (to this connection only, appending nothing) or is handed to the
 * conversation, and a handed message is dispatched even if the connection closes before its turn
 * comes: the dispatch runs under the server's lifetime, not the socket's.
 */
export class ClientMessageHandler {
  readonly #options: ClientMessageHandlerOptions;
  #queue: Promise<void> = Promise.resolve();
  /** The connection closed, or the flood limit dropped it: nothing more is taken. */
  #closed = false;

  constructor(options: ClientMessageHandlerOptions) {
    this.#options = options;
  }

  /** `input` is the decoded action dict, or an `UnreadableMessage`. */
  handle(input: unknown): void {
    const options = this.#options;
    if (this.#closed) return;
    const decision = options.rateLimiter.take();
    if (decision === 'disconnect') {
      options.logger.warn('client message flood: disconnecting');
      this.#closed = true;
      // This message, too, gets its answer before the connection goes.
      options.sendError('SOCKET_RATE_LIMITED', 'Too many messages; disconnected');
      options.disconnectFlood();
      return;
    }
    if (decision === 'reject') {
      options.sendError('SOCKET_RATE_LIMITED', 'Too many messages; slow down');
      return;
    }
    if (input instanceof UnreadableMessage) {
      options.sendError('SOCKET_MESSAGE_INVALID', input.reason);
      return;
    }
    let action: ActionEvent;
    try {
      action = parseIncomingAction(input);
    } catch (error) {
      if (error instanceof InvalidEventError) {
        options.sendError('SOCKET_MESSAGE_INVALID', error.message);
        return;
      }
      throw error;
    }
    if (options.dispatches.closing) {
      options.sendError('STORE_CLOSED', 'The server is shutting down; the message was not taken');
      return;
    }
    // The parsed action travels on: the conversation does not parse it again.
    this.#queue = this.#queue.then(() => this.#dispatch(action));
    options.dispatches.track(this.#queue);
  }

  /** The connection closed: later messages are ignored; accepted ones are still dispatched. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves when every accepted message has been dispatched or failed. */
  idle(): Promise<void> {
    return this.#queue;
  }

  async #dispatch(action: ActionEvent): Promise<void> {
    const options = this.#options;
    try {
      await options.conversations.dispatchAction(
        options.userId,
        options.conversationId,
        action,
        options.dispatches.signal,
      );
    } catch (error) {
      if (this.#closed) {
        // Nobody is left to tell: the log says what became of the accepted message.
        options.logger.warn(
          { err: error },
          'a client action accepted before its socket closed failed',
        );
        return;
      }
      if (isParleyError(error) && error.code !== 'INTERNAL_ERROR') {
        options.sendError(
          error.code,
          options.secrets.maskerFor(options.userId).maskText(error.message),
        );
        return;
      }
      options.logger.error({ err: error }, 'dispatching a client action failed');
      options.sendError('INTERNAL_ERROR', 'The action could not be handled');
    }
  }
}
