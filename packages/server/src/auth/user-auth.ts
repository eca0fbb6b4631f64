import type { IncomingHttpHeaders } from 'node:http';

/**
 * What an auth provider may look at: the request's headers (a FastifyRequest, or the upgrade
 * request of a Socket.IO or WebSocket connection), its method, and the key a socket presented in
 * its query or auth frame (`session_api_key`).
 */
export interface UserAuthRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method?: string;
  readonly presentedKey?: string | undefined;
}

/** Who is calling. Every conversation, setting and secret belongs to the user id it yields. */
export interface UserAuth {
  /** @throws ParleyError `AUTH_REQUIRED`, `AUTH_ORIGIN_REFUSED` when accounts are on. */
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
