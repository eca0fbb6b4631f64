import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a configured session API key with the one a client presented, in constant time (both are
 * hashed first, so their lengths do not leak either). An absent key never matches.
 */
export function sessionApiKeysMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const expectedDigest = createHash('sha256').update(expected).digest();
  const givenDigest = createHash('sha256').update(given).digest();
  return timingSafeEqual(expectedDigest, givenDigest);
}
