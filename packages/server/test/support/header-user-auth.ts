import type { UserAuth, UserAuthRequest } from '../../src/http/user-auth.js';

export const testUserHeader = 'x-test-user';

/**
 * A fake auth provider for isolation tests: the user id comes from the `x-test-user` header
 * (default `alice`), so one app can be driven as several users.
 */
export class HeaderUserAuth implements UserAuth {
  readonly #defaultUserId: string;

  constructor(defaultUserId = 'alice') {
    this.#defaultUserId = defaultUserId;
  }

  async userIdFor(request: UserAuthRequest): Promise<string> {
    const header = request.headers[testUserHeader];
    const value = Array.isArray(header) ? header[0] : header;
    return value === undefined || value === '' ? this.#defaultUserId : value;
  }
}
