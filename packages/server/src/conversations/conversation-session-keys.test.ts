import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConversationSessionKeys } from './conversation-session-keys.js';

describe('ConversationSessionKeys', () => {
  const keys = new ConversationSessionKeys(randomBytes(32));

  it('names the conversation its key was issued for, and gives the same key every time', () => {
    const key = keys.keyFor('3c07fd21716b4b8f8b573f17304ef60c');
    expect(keys.conversationFor(key)).toBe('3c07fd21716b4b8f8b573f17304ef60c');
    expect(keys.keyFor('3c07fd21716b4b8f8b573f17304ef60c')).toBe(key);
    expect(keys.keyFor('another')).not.toBe(key);
  });

  it('keeps any conversation id a user can have, dots and non-ASCII included', () => {
    for (const id of ['a.b.c', 'ünïcode ✓', ' ', 'x'.repeat(100)]) {
      expect(keys.conversationFor(keys.keyFor(id))).toBe(id);
    }
  });

  it('refuses a key whose id was swapped for another conversation', () => {
    const [, mac] = keys.keyFor('mine').split('.');
    const forged = `${Buffer.from('theirs').toString('base64url')}.${mac}`;
    expect(keys.conversationFor(forged)).toBeUndefined();
  });

  it('refuses a key issued with another secrets key', () => {
    const other = new ConversationSessionKeys(randomBytes(32));
    expect(keys.conversationFor(other.keyFor('mine'))).toBeUndefined();
  });

  it.each(['', '.', 'abc', 'abc.', '.abc', 'a.b.c', 'not base64!.x', 'bWluZQ.short'])(
    'refuses the malformed key %j',
    (key) => {
      expect(keys.conversationFor(key)).toBeUndefined();
    },
  );

  it('holds across instances built from the same secrets key (every process of a cluster)', () => {
    const secret = randomBytes(32);
    const key = new ConversationSessionKeys(secret).keyFor('shared');
    expect(new ConversationSessionKeys(secret).conversationFor(key)).toBe('shared');
  });
});
