import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * How much of an unread request body a connection answered early (a 413, a 401 before the body,
 * a 503 while shutting down) still reads and throws away before it is cut.
 */
export interface LingeringCloseBounds {
  /** Body bytes discarded after the answer; past this (plus one read chunk) the connection is cut. */
  readonly maximumBytes: number;
  /** Milliseconds after the answer that the connection may linger; then it is cut. */
  readonly maximumMilliseconds: number;
}

/**
 * Four times the 4 MiB body limit: an ordinary client sending a body somewhat over the limit reads
 * its 413; a client declaring 100 MB is cut after this much.
 */
export const lingeringCloseMaximumBytes = 16 * 1024 * 1024;
/** nginx's `lingering_time` is 30 s; Parley's clients are near, so a third of that. */
export const lingeringCloseMaximumMilliseconds = 10_000;

export const defaultLingeringCloseBounds: LingeringCloseBounds = {
  maximumBytes: lingeringCloseMaximumBytes,
  maximumMilliseconds: lingeringCloseMaximumMilliseconds,
};

/**
 * RFC 9112 §9.6 "lingering close" for every answer sent before its request body was read.
 *
 * Such an answer closes the connection (`Connection: close`: the rest of the body is not a next
 * request). Node closes with `socket.destroySoon()` — FIN, then destroy as soon as the FIN is
 * written (lib/_http_server.js, `resOnFinish`) — while the client may still be sending; the bytes
 * left unread in the kernel make that close a TCP reset, which destroys the answer at a client
 * still writing (EPIPE/ECONNRESET instead of the 413). Here, the connection's `destroySoon` instead
 * half-closes and keeps reading and discarding the body until it ends, then closes; the reading is
 * bounded in bytes and time (`bounds`), past which the connection is cut; closing the server cuts
 * every lingering connection at once.
 */
export function registerLingeringClose(
  server: FastifyInstance,
  bounds: LingeringCloseBounds = defaultLingeringCloseBounds,
): void {
  const lingering = new Set<Socket>();
  // A callback hook, not an async one: no promise per request.
  server.addHook('onSend', (request, reply, payload, done) => {
    if (hasUnreadBody(request.raw)) {
      reply.header('connection', 'close');
      // Once per connection, even when an error answer replaces this one.
      if (!lingering.has(request.raw.socket)) lingerAfterAnswer(request.raw, bounds, lingering);
    }
    done(null, payload);
  });
  // Runs before the server closes, which would otherwise wait for each lingering connection.
  server.addHook('preClose', (done) => {
    for (const socket of lingering) socket.destroy();
    done();
  });
}

/**
 * Whether the request announced a body (chunked or a non-zero length) not yet fully received over
 * a real connection (`inject()` has none to close).
 */
function hasUnreadBody(request: IncomingMessage): boolean {
  if (!(request.socket instanceof Socket) || request.complete) return false;
  if (request.headers['transfer-encoding'] !== undefined) return true;
  return Number(request.headers['content-length'] ?? 0) !== 0;
}

/** Discards the rest of `request`'s body within `bounds`; the socket closes once it has ended. */
function lingerAfterAnswer(
  request: IncomingMessage,
  bounds: LingeringCloseBounds,
  lingering: Set<Socket>,
): void {
  const socket = request.socket;
  lingering.add(socket);
  let discardedBytes = 0;
  let bodyEnded = false;
  let closeRequested = false;

  const cut = (): void => {
    socket.destroy();
  };
  // Half-closed and drained: nothing is left unread, so this close sends no reset.
  const closeGracefully = (): void => {
    if (socket.writable) socket.end();
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', cut);
  };

  const timer = setTimeout(cut, bounds.maximumMilliseconds);
  socket.once('close', () => {
    clearTimeout(timer);
    lingering.delete(socket);
  });
  // A `data` listener resumes the body (Fastify stops reading it at the limit, or never started).
  request.on('data', (chunk: Buffer) => {
    discardedBytes += chunk.length;
    if (discardedBytes > bounds.maximumBytes) cut();
  });
  request.once('end', () => {
    bodyEnded = true;
    if (closeRequested) closeGracefully();
  });

  // Node calls this once the answer is written, because of `Connection: close`.
  socket.destroySoon = () => {
    closeRequested = true;
    if (bodyEnded) {
      closeGracefully();
      return;
    }
    // The answer and a FIN go out; reading goes on (an HTTP server's socket allows half-open).
    if (socket.writable) socket.end();
  };
}
