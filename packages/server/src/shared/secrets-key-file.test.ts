import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeSecretsKey,
  loadOrCreateSecretsKey,
  secretsKeyFileName,
} from './secrets-key-file.js';

describe('secrets key file', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) {
      rmSync(directory, { recursive: true, force: true });
    }
  });
  function tempDirectory(): string {
    const directory = mkdtempSync(join(tmpdir(), 'parley-secrets-key-'));
    directories.push(directory);
    return directory;
  }

  it('creates <dir>/secrets.key once, with mode 0600, and reuses it', () => {
    const directory = tempDirectory();
    const first = loadOrCreateSecretsKey(directory);
    expect(first).toHaveLength(32);
    const path = join(directory, secretsKeyFileName);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const text = readFileSync(path, 'utf8');
    const second = loadOrCreateSecretsKey(directory);
    expect(second.equals(first)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('creates the data directory when it does not exist', () => {
    const directory = join(tempDirectory(), 'nested', 'data');
    expect(loadOrCreateSecretsKey(directory)).toHaveLength(32);
    expect(statSync(join(directory, secretsKeyFileName)).mode & 0o777).toBe(0o600);
  });

  it('different directories get different keys', () => {
    expect(
      loadOrCreateSecretsKey(tempDirectory()).equals(loadOrCreateSecretsKey(tempDirectory())),
    ).toBe(false);
  });

  it('reads an existing key file written by an operator (hex, with a newline)', () => {
    const directory = tempDirectory();
    const key = randomBytes(32);
    writeFileSync(join(directory, secretsKeyFileName), `${key.toString('hex')}\n`, { mode: 0o600 });
    expect(loadOrCreateSecretsKey(directory).equals(key)).toBe(true);
  });

  it('refuses an existing key file of the wrong length', () => {
    const directory = tempDirectory();
    writeFileSync(join(directory, secretsKeyFileName), randomBytes(16).toString('base64'));
    expect(() => loadOrCreateSecretsKey(directory)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  describe('decodeSecretsKey', () => {
    const key = randomBytes(32);

    it('decodes 64 hex digits, either case, trimmed', () => {
      expect(decodeSecretsKey(key.toString('hex')).equals(key)).toBe(true);
      expect(decodeSecretsKey(key.toString('hex').toUpperCase()).equals(key)).toBe(true);
      expect(decodeSecretsKey(`  ${key.toString('hex')}\n`).equals(key)).toBe(true);
    });

    it('decodes base64', () => {
      expect(decodeSecretsKey(key.toString('base64')).equals(key)).toBe(true);
      expect(decodeSecretsKey(`${key.toString('base64')}\n`).equals(key)).toBe(true);
    });

    it.each([
      ['16 bytes of hex', randomBytes(16).toString('hex')],
      ['63 hex digits', 'a'.repeat(63)],
      ['33 bytes of base64', randomBytes(33).toString('base64')],
      ['24 bytes of base64', randomBytes(24).toString('base64')],
      ['an empty string', ''],
      ['a passphrase', 'correct horse battery staple'],
    ])('refuses %s with CONFIG_INVALID', (_label, text) => {
      expect(() => decodeSecretsKey(text)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    });
  });
});
