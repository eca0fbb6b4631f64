import { describe, expect, expectTypeOf, it } from 'vitest';
import { isOneOf } from './is-one-of.js';

describe('isOneOf', () => {
  const isColour = isOneOf(['red', 'green'] as const);

  it('is true exactly for the listed values', () => {
    expect(isColour('red')).toBe(true);
    expect(isColour('green')).toBe(true);
    expect(isColour('blue')).toBe(false);
    expect(isColour(undefined)).toBe(false);
    expect(isOneOf([0, 1] as const)('0')).toBe(false);
  });

  it('narrows unknown to the union of the values', () => {
    const value: unknown = 'red';
    if (isColour(value)) expectTypeOf(value).toEqualTypeOf<'red' | 'green'>();
  });
});
