import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isStorableText, storableText, toStorableText } from './storable-text.js';

describe('storable text', () => {
  it('accepts well-formed text, pairs included, and refuses U+0000 and lone surrogates', () => {
    for (const text of ['', 'plain', 'emoji \u{1F680}', '\uD83D\uDE80', 'tab\tnewline\n']) {
      expect(isStorableText(text)).toBe(true);
    }
    for (const text of ['a\u0000b', '\uD800', 'x\uDC00', '\uDC00\uD800', 'end \uDBFF']) {
      expect(isStorableText(text)).toBe(false);
    }
  });

  it('replaces each offending code unit with U+FFFD and keeps pairs', () => {
    expect(toStorableText('a\u0000b\uD800c\uDC00\u{1F680}')).toBe('a\uFFFDb\uFFFDc\uFFFD\u{1F680}');
    expect(toStorableText('fine')).toBe('fine');
  });

  it('makes a schema refuse such text with the unstorable_text type', () => {
    const result = storableText(z.string()).safeParse('a\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: 'custom',
      params: { type: 'unstorable_text' },
    });
  });
});
