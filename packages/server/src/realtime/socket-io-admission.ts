import { errorCodes, isParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { admitConnection, type ResolveUser } from './admit-connection.js';
import type { RealtimeConversations } from './client-message-handler.js';
import { parseConnectQuery } from './connect-query.js';
import type { PageHold } from './replay-page.js';
import type { ReplayPages } from './replay-pages.js';
import type { ParleySocket } from './socket-io-connection.js';

/** What the connect middleware leaves on `socket.data` for the connection handler. */
export interface AdmittedConnection {
  userId: string;
  conversationId: string;
  latestEventId: number;
  wantsDeltas: boolean;
}

/** What the connect middleware made for a socket it let through: its abort and its first page. */
export interface Admission {
  /** Aborted when the connection goes away, before or after it was accepted. */
  closed: AbortController;
  firstPage: PageHold;
}

export interface SocketIoAdmissionOptions {
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  sessionApiKey: string | undefined;
  /** Replay pages, shared and counted against the replay budget. */
  pages: ReplayPages;
  logger: Logger;
}

/**
 * The V0 face's connect middleware: refuses exactly as upstream does (reference §2.2–§2.3), with
 * the refusal's code in the `connect_error`, and holds the replay's first page before the
 * connection is accepted. The connection handler takes what it admitted.
 */
export class SocketIoAdmission {
  readonly #options: SocketIoAdmissionOptions;
  readonly #admissions = new WeakMap<ParleySocket, Admission>();

  constructor(options: SocketIoAdmissionOptions) {
    this.#options = options;
  }

  /** The middleware (`server.use`): `next()` to accept, `next(refusal)` to refuse. */
  admit(socket: ParleySocket, next: (refusal?: Error) => void): void {
    this.#admit(socket).then(
      () => next(),
      (error: unknown) => next(this.#refusal(error)),
    );
  }

  /** What was admitted for `socket`; its connection handler takes it once. */
  take(socket: ParleySocket): AdmittedConnection & Admission {
    const admission = this.#admissions.get(socket) as Admission;
    this.#admissions.delete(socket);
    return { ...(socket.data as AdmittedConnection), ...admission };
  }

  async #admit(socket: ParleySocket): Promise<void> {
    // The handshake's own URL: engine.io's parsed query keeps only the last of repeated values.
    const query = parseConnectQuery(
      new URL(socket.request.url ?? '/', 'http://localhost').searchParams,
    );
    if (query.conversationId === undefined) {
      throw new RefusalError('No conversation_id in query params');
    }
    const userId = await admitConnection({
      conversations: this.#options.conversations,
      resolveUser: this.#options.resolveUser,
      sessionApiKey: this.#options.sessionApiKey,
      // The query (what OpenHands clients send), else Socket.IO's connect `auth` payload.
      presentedKey: query.sessionApiKey ?? keyFromAuthPayload(socket.handshake.auth),
      conversationId: query.conversationId,
      headers: socket.request.headers,
      startLoop: true,
    });
    const admitted: AdmittedConnection = {
      userId,
      conversationId: query.conversationId,
      latestEventId: query.latestEventId,
      wantsDeltas: query.wantsDeltas,
    };
    // The replay's first page is waited for here, before the connection is accepted: a client the
    // replay budget cannot serve within its wait bound gets a connect_error (SOCKET_REPLAY_BUSY)
    // instead of a connection that stalls. A client gone meanwhile releases its share at once.
    const closed = new AbortController();
    const onClose = (): void => closed.abort();
    socket.conn.once('close', onClose);
    let firstPage: PageHold;
    try {
      firstPage = await this.#options.pages.hold(query.conversationId, query.latestEventId + 1, {
        priority: 'new',
        signal: closed.signal,
      });
    } catch (error) {
      // A refused client may try again on the same engine.io connection.
      socket.conn.off('close', onClose);
      throw error;
    }
    closed.signal.addEventListener('abort', () => firstPage.release(), { once: true });
    this.#admissions.set(socket, { closed, firstPage });
    Object.assign(socket.data, admitted);
  }

  #refusal(error: unknown): Error {
    if (error instanceof RefusalError) return error;
    if (isParleyError(error)) {
      const entry = errorCodes[error.code];
      const data: Record<string, string> = { code: error.code };
      if ('messageId' in entry) data['msg_id'] = entry.messageId;
      return new RefusalError(error.message, data);
    }
    this.#options.logger.error({ err: error }, 'Socket.IO connect failed');
    return new RefusalError('Failed to join conversation', { code: 'INTERNAL_ERROR' });
  }
}

/** A connect refusal; Socket.IO sends its message and `data` in the CONNECT_ERROR packet. */
class RefusalError extends Error {
  readonly data: Record<string, string> | undefined;

  constructor(message: string, data?: Record<string, string>) {
    super(message);
    this.data = data;
  }
}

/** `{session_api_key: "…"}` in the CONNECT packet's auth payload, if a non-empty string. */
function keyFromAuthPayload(auth: unknown): string | undefined {
  if (typeof auth !== 'object' || auth === null) return undefined;
  const key = (auth as Record<string, unknown>)['session_api_key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}
