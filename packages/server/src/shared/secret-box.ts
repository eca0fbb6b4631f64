import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ParleyError } from './errors.js';

const algorithm = 'aes-256-gcm';
const ivLength = 12;
const tagLength = 16;
const prefix = 'v1:';

/**
 * Seals short secrets (API keys, custom secret values) with AES-256-GCM for storage at rest.
 * A sealed value is `v1:` + base64(iv ‖ tag ‖ ciphertext); a fresh random iv is used every time.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) {
      throw new ParleyError('CONFIG_INVALID', 'The secrets key must be exactly 32 bytes');
    }
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(ivLength);
    const cipher = createCipheriv(algorithm, this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
  }

  /** Opens a sealed value; a wrong key or tampered value is a SECRET_UNREADABLE error. */
  open(sealed: string): string {
    if (!sealed.startsWith(prefix)) {
      throw new ParleyError('SECRET_UNREADABLE', 'A stored secret has an unknown format');
    }
    const packed = Buffer.from(sealed.slice(prefix.length), 'base64');
    if (packed.length < ivLength + tagLength) {
      throw new ParleyError('SECRET_UNREADABLE', 'A stored secret is truncated');
    }
    try {
      const decipher = createDecipheriv(algorithm, this.#key, packed.subarray(0, ivLength));
      decipher.setAuthTag(packed.subarray(ivLength, ivLength + tagLength));
      return Buffer.concat([
        decipher.update(packed.subarray(ivLength + tagLength)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new ParleyError(
        'SECRET_UNREADABLE',
        'A stored secret cannot be decrypted (was the secrets key changed?)',
        { cause: error },
      );
    }
  }
}
