import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const responseKey = Symbol('parley.clientGone.response');
const signalKey = Symbol('parley.clientGone.signal');

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Fires when the client goes away before the response to this request is finished: the
     * connection closed (reset, or destroyed by the client) while the response was unsent or
     * half sent. Never fires once the response is finished. Routes pass it to every service and
     * store call. Fastify's own `request.signal` is not used: it follows the request stream's
     * `close`, so it also fires after every normal answer and, on some Node versions, as soon as
     * a POST body was read (fastify#6725); it cannot tell a client gone from a request done.
     */
    readonly clientGone: AbortSignal;
    [responseKey]: ServerResponse | null;
    [signalKey]: AbortSignal | null;
  }
}

/** The reason a `clientGone` signal carries (its `message` names the cause for the logs). */
export class ClientGoneError extends Error {
  constructor() {
    super('the client disconnected before its response was sent');
    this.name = 'ClientGoneError';
  }
}

/**
 * Gives every request its `clientGone` signal. It must come before every other `onRequest` hook
 * that reads the signal (the rate limiter's pause does). The signal is made on first use, so a
 * request that never asks for it costs one property write: the hook only remembers the raw
 * response, whose `close` event (emitted after `finish`, or when the connection closes first) is
 * the one reliable sign, read together with `writableFinished`.
 */
export function registerClientGone(server: FastifyInstance): void {
  server.decorateRequest(responseKey, null);
  server.decorateRequest(signalKey, null);
  server.decorateRequest('clientGone', {
    getter(this: FastifyRequest): AbortSignal {
      const response = this[responseKey];
      if (response === null) {
        throw new Error('request.clientGone was read before the client-gone hook ran');
      }
      this[signalKey] ??= whenClientGoes(response);
      return this[signalKey];
    },
  });
  // A callback hook, not an async one: no promise per request.
  server.addHook('onRequest', (request, reply, done) => {
    request[responseKey] = reply.raw;
    done();
  });
}

/** A signal that fires if `response` closes before it finished. */
function whenClientGoes(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort(new ClientGoneError());
  };
  // `close` is emitted once per response, finished or not, so the listener never outlives it.
  if (response.destroyed) onClose();
  else response.once('close', onClose);
  return controller.signal;
}
