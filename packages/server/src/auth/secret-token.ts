import { createHash, randomBytes } from 'node:crypto';

/**
 * A fresh unguessable credential: 32 random bytes as base64url, after a readable prefix
 * (`ps_` for session ids, `pat_` for personal API tokens) so a leaked one is recognisable.
 */
export function newSecretToken(prefix: 'ps_' | 'pat_'): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What the database keeps of a credential: its SHA-256 as hex (the credential is never stored). */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
