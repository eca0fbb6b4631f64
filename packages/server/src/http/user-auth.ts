import type { IncomingHttpHeaders } from 'node:http';

/**
 * What an auth provider may look at: the request's headers. A FastifyRequest is one; so is the
 * upgrade request of a Socket.IO or WebSocket connection.
 */
export interface UserAuthRequest {
  readonly headers: IncomingHttpHeaders;
}

/** Who is calling. Every conversation, setting and secret belongs to the user id it yields. */
export interface UserAuth {
  userIdFor(request: UserAuthRequest): Promise<string>;
}

/** The default: one local user, as upstream's DefaultUserAuth. */
export class SingleUserAuth implements UserAuth {
  readonly #userId: string;

  constructor(userId = 'local') {
    this.#userId = userId;
  }

  async userIdFor(): Promise<string> {
    return this.#userId;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every `/api` request by the auth hook. */
    userId: string;
  }
}
