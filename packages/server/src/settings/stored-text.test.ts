import { describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.js';
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
});
