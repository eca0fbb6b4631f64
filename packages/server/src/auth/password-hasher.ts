import { hash, verify } from '@node-rs/argon2';
import { ParleyError } from '../shared/errors.js';

/** Hashes and checks passwords; the stored form is a self-describing PHC string. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

/**
 * argon2id (memory-hard) through @node-rs/argon2, with the library's defaults, which are OWASP's
 * minimum (19 MiB, 2 passes, 1 lane). Hashing runs on libuv's thread pool, not the event loop.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    return hash(password); // argon2id is the library's default algorithm
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash matches nothing.
      return false;
    }
  }
}

export const passwordMinLength = 8;
const passwordMaxLength = 1024;
const usernamePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** @throws ParleyError `USER_INPUT_INVALID` naming the rule a user name breaks. */
export function requireValidUsername(username: string): void {
  if (!usernamePattern.test(username)) {
    throw new ParleyError(
      'USER_INPUT_INVALID',
      'A user name is 1 to 64 characters of A-Z a-z 0-9 . _ @ - and starts with a letter or digit',
    );
  }
}

/** @throws ParleyError `USER_INPUT_INVALID` when a new password is too short or too long. */
export function requireValidPassword(password: string): void {
  if (password.length < passwordMinLength || password.length > passwordMaxLength) {
    throw new ParleyError(
      'USER_INPUT_INVALID',
      `A password has ${passwordMinLength} to ${passwordMaxLength} characters`,
    );
  }
}
