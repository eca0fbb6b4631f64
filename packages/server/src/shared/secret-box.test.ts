import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ParleyError } from './errors.js';
import { SecretBox } from './secret-box.js';

const key = randomBytes(32);

function openError(box: SecretBox, sealed: string): string | undefined {
  try {
    box.open(sealed);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return (error as ParleyError).code;
  }
}

/** Flips one bit of the packed bytes at `index` (0 = first iv byte). */
function flipBit(sealed: string, index: number): string {
  const packed = Buffer.from(sealed.slice('v1:'.length), 'base64');
  packed[index] = (packed[index] ?? 0) ^ 0x01;
  return `v1:${packed.toString('base64')}`;
}

describe('SecretBox', () => {
  it.each(['sk-abc123', '', 'ünïcødé 😀 secret', 'x'.repeat(65_536)])(
    'round-trips %#',
    (plaintext) => {
      const box = new SecretBox(key);
      const sealed = box.seal(plaintext);
      expect(sealed.startsWith('v1:')).toBe(true);
      expect(box.open(sealed)).toBe(plaintext);
      // Another box with the same key opens it too (a restart).
      expect(new SecretBox(Buffer.from(key)).open(sealed)).toBe(plaintext);
    },
  );

  it('never contains the plaintext, and uses a fresh iv every time', () => {
    const box = new SecretBox(key);
    const plaintext = 'sk-very-secret-value';
    const sealed = Array.from({ length: 20 }, () => box.seal(plaintext));
    for (const value of sealed) {
      expect(value).not.toContain(plaintext);
      expect(value).not.toContain(Buffer.from(plaintext).toString('base64'));
    }
    expect(new Set(sealed).size).toBe(sealed.length);
    const ivs = sealed.map((value) =>
      Buffer.from(value.slice(3), 'base64').subarray(0, 12).toString('hex'),
    );
    expect(new Set(ivs).size).toBe(ivs.length);
  });

  it('a tampered iv, tag or ciphertext is SECRET_UNREADABLE', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('tamper me');
    for (const index of [0, 11, 12, 27, 28, 30]) {
      expect({ index, code: openError(box, flipBit(sealed, index)) }).toEqual({
        index,
        code: 'SECRET_UNREADABLE',
      });
    }
  });

  it('a wrong key is SECRET_UNREADABLE', () => {
    const sealed = new SecretBox(key).seal('for the right key only');
    expect(openError(new SecretBox(randomBytes(32)), sealed)).toBe('SECRET_UNREADABLE');
  });

  it('an unknown format, a truncated value or plain text is SECRET_UNREADABLE', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('value');
    expect(openError(box, 'sk-plaintext')).toBe('SECRET_UNREADABLE');
    expect(openError(box, `v2:${sealed.slice(3)}`)).toBe('SECRET_UNREADABLE');
    expect(openError(box, 'v1:')).toBe('SECRET_UNREADABLE');
    expect(openError(box, `v1:${Buffer.alloc(27).toString('base64')}`)).toBe('SECRET_UNREADABLE');
    expect(openError(box, sealed.slice(0, sealed.length - 8))).toBe('SECRET_UNREADABLE');
  });

  it('the error message does not carry the sealed value', () => {
    const box = new SecretBox(key);
    const sealed = flipBit(box.seal('value'), 30);
    try {
      box.open(sealed);
      expect.unreachable('open should have thrown');
    } catch (error) {
      expect((error as Error).message).not.toContain(sealed.slice(3));
    }
  });

  it.each([0, 16, 31, 33, 64])('refuses a %i-byte key with CONFIG_INVALID', (length) => {
    expect(() => new SecretBox(randomBytes(length))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
