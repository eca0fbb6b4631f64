// Unit tests of the bench programs' shared option parser (bench/lib/cli-options.mjs).
import { expect, it } from 'vitest';
import { choiceList, parseOptions, type OptionSpec } from './lib/cli-options.mjs';

const spec: Record<string, OptionSpec> = {
  quick: { type: 'boolean' },
  rounds: { type: 'integer', default: 3 },
  'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
  only: { type: 'string', parse: choiceList(['b1', 'b4', 'b6'], { lowercase: true }) },
};

it('reads flags, values, defaults and negated booleans', () => {
  expect(parseOptions(['--quick', '--rounds', '5', '--no-pin', '--only=B1,b6'], spec)).toEqual({
    quick: true,
    rounds: 5,
    pin: false,
    only: ['b1', 'b6'],
  });
  expect(parseOptions([], spec)).toEqual({
    quick: undefined,
    rounds: 3,
    pin: true,
    only: undefined,
  });
});

it('refuses bad counts, unknown flags, bare values and bad choices with a clear message', () => {
  expect(() => parseOptions(['--rounds', '0'], spec)).toThrow(
    '--rounds needs a positive integer, got 0',
  );
  expect(() => parseOptions(['--rounds'], spec)).toThrow('--rounds needs a value');
  expect(() => parseOptions(['--fast'], spec)).toThrow('unknown argument --fast');
  expect(() => parseOptions(['B1'], spec)).toThrow('unknown argument B1');
  expect(() => parseOptions(['--quick=yes'], spec)).toThrow('--quick takes no value');
  expect(() => parseOptions(['--only', 'b2'], spec)).toThrow('--only takes b1,b4,b6');
});

it('hands positional arguments to `positional` when given, which may refuse them', () => {
  const seen: string[] = [];
  const positional = (text: string) => {
    if (!/^B\d$/.test(text)) throw new Error(`not a workload: ${text}`);
    seen.push(text);
  };
  expect(parseOptions(['B1', '--quick', 'B3'], spec, { positional })).toMatchObject({
    quick: true,
  });
  expect(seen).toEqual(['B1', 'B3']);
  expect(() => parseOptions(['X'], spec, { positional })).toThrow('not a workload: X');
});
