import { describe, expect, it } from 'vitest';
import { generateTitle } from './conversation-title.js';

describe('the stored-text rule for derived titles', () => {
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
