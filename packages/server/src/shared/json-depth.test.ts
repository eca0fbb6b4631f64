import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan, maximumJsonDepth } from './json-depth.js';

describe('JSON nesting depth', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"[[[[[[{{{{"}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('[]'.repeat(1000), 1)).toBe(false);
  });

  it('accepts a document at the limit and flags one past it', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(jsonNestsDeeperThan(nested(maximumJsonDepth), maximumJsonDepth)).toBe(false);
    expect(jsonNestsDeeperThan(nested(maximumJsonDepth + 1), maximumJsonDepth)).toBe(true);
  });
});
