/**
 * A type guard for a fixed list of literal values: `isOneOf(actionTypes)` is true exactly for the
 * values the list holds, and narrows `unknown` to their union.
 */
export function isOneOf<const Value>(values: readonly Value[]): (value: unknown) => value is Value {
  return (value: unknown): value is Value => values.some((candidate) => candidate === value);
}
