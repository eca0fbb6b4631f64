import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParleyError } from './errors.js';

export const secretsKeyFileName = 'secrets.key';

/** Decodes a 32-byte key given as 64 hex digits or as base64. */
export function decodeSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ParleyError(
      'CONFIG_INVALID',
      'The secrets key must be 32 bytes, written as 64 hex digits or base64',
    );
  }
  return key;
}

/**
 * Reads `<dataDirectory>/secrets.key`, or creates it once with a random key and file mode 0600.
 * Two processes starting together agree on one key (see below).
 */
export function loadOrCreateSecretsKey(dataDirectory: string): Buffer {
  const path = join(dataDirectory, secretsKeyFileName);
  mkdirSync(dataDirectory, { recursive: true });
  // Write the key to a private temporary file first, then link it into place: the link either
  // publishes a complete file or fails because another process won, so nobody reads a half file.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  try {
    chmodSync(temporary, 0o600);
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  return decodeSecretsKey(readFileSync(path, 'utf8'));
}
