import { describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.js';
import { generateTitle } from '../conversations/conversation-title.js';
import { requireStorableText } from './stored-text.js';

describe('the stored-text rule on the storage side', () => {
  it('names the first field holding U+0000 or a lone surrogate, and skips absent ones', () => {
    expect(() =>
      requireStorableText({ title: 'fine', branch: null, other: undefined }),
    ).not.toThrow();
    for (const value of ['a\u0000b', 'half \uD83D']) {
      let caught: unknown;
      try {
        requireStorableText({ title: 'fine', selected_branch: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ParleyError);
      expect(caught).toMatchObject({
        code: 'REQUEST_INVALID',
        message: 'selected_branch must not contain U+0000 or unpaired surrogates',
      });
    }
  });

  it('makes a derived title storable, also when the cut splits a surrogate pair', async () => {
    const signal = new AbortController().signal;
    expect(await generateTitle('Hi\u0000there', undefined, signal)).toBe('Hi\uFFFDthere');
    // 28 letters and an emoji fit in 30 code units; one more letter, and the cut keeps only the
    // emoji's first half.
    const fits = `${'a'.repeat(28)}\u{1F680}`;
    expect(await generateTitle(fits, undefined, signal)).toBe(fits);
    expect(await generateTitle(`a${fits} more`, undefined, signal)).toBe(
      `${'a'.repeat(29)}\uFFFD...`,
    );
  });
});
