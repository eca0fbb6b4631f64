import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Each conversation's `session_api_key` on the V1 face. Upstream gives every sandbox a key of its
 * own, and the stock web UI sends it (`X-Session-API-Key`) to the agent-server routes that name no
 * conversation (`/api/git/changes/{path}`, `/api/git/diff/{path}`). Parley's key names the
 * conversation and proves the server issued it: `<conversation id, base64url>.<HMAC-SHA256 of the
 * id, base64url>`, keyed with a key derived from the secrets key, so it needs no storage, holds on
 * every process sharing that key, and cannot be made up for another conversation. It is handed only
 * to the conversation's owner, and the routes that accept it still check that the caller owns the
 * conversation it names.
 */
export class ConversationSessionKeys {
  readonly #key: Buffer;

  constructor(secretsKey: Uint8Array) {
    this.#key = createHmac('sha256', secretsKey)
      .update('parley conversation session keys')
      .digest();
  }

  keyFor(conversationId: string): string {
    return `${Buffer.from(conversationId, 'utf8').toString('base64url')}.${this.#mac(conversationId)}`;
  }

  /** The conversation a key names, or undefined when the server did not issue it. */
  conversationFor(key: string): string | undefined {
    const separator = key.indexOf('.');
    if (separator <= 0 || separator !== key.lastIndexOf('.')) return undefined;
    const encodedId = key.slice(0, separator);
    if (!/^[A-Za-z0-9_-]+$/.test(encodedId)) return undefined;
    const conversationId = Buffer.from(encodedId, 'base64url').toString('utf8');
    const expected = Buffer.from(this.#mac(conversationId));
    const presented = Buffer.from(key.slice(separator + 1));
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return undefined;
    }
    return conversationId;
  }

  #mac(conversationId: string): string {
    return createHmac('sha256', this.#key).update(conversationId, 'utf8').digest('base64url');
  }
}
