// @ts-check
// Command-line options for the bench programs, on top of node:util's parseArgs.
//
// A spec maps each flag (without its dashes) to { type, key?, default?, set?, parse? }:
//   type    'boolean' (present → `set`, true unless given), 'integer' (a positive integer),
//           'string', or 'path' (resolved against the working directory)
//   key     the property on the result (default: the flag in camelCase)
//   default the value when the flag is absent (programs derive --quick-dependent ones afterwards)
//   parse   (text, flag) → value, for strings with their own rules (lists, choices, limits)
// As before, a value flag takes the next argument whatever it looks like (so `--rounds -1` reports
// the bad integer), `--flag=value` works too, and any unknown flag or `--` is an error; so is a
// positional argument, unless `positional` (text → void, throwing on a bad one) takes it. With
// `usage`, `--help`/`-h` print it and exit.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * @typedef {{
 *   type: 'boolean' | 'integer' | 'string' | 'path',
 *   key?: string,
 *   default?: unknown,
 *   set?: boolean,
 *   parse?: (text: string, name: string) => unknown,
 * }} OptionSpec  one flag's rules (see the top of this file)
 */

/** @param {string} flag */
const camelCase = (flag) => flag.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/**
 * The `--name needs a positive integer, got x` check every program applies to counts.
 * @param {string} text
 * @param {string} name
 */
export function positiveInteger(text, name) {
  const parsed = Number(text);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`${name} needs a positive integer, got ${text}`);
  return parsed;
}

/**
 * A `parse` for comma-separated choices: empty items dropped, each must be one of `allowed`
 * (else `--flag takes a,b,c`); `lowercase` folds case first, `canonicalOrder` returns them in
 * `allowed`'s order (once each) rather than as given.
 * @param {string[]} allowed
 * @param {{ lowercase?: boolean, canonicalOrder?: boolean }} [settings]
 */
export function choiceList(allowed, { lowercase = false, canonicalOrder = false } = {}) {
  /** @type {(text: string, name: string) => string[]} */
  return (text, name) => {
    const chosen = (lowercase ? text.toLowerCase() : text).split(',').filter((item) => item !== '');
    for (const item of chosen) {
      if (!allowed.includes(item)) throw new Error(`${name} takes ${allowed.join(',')}`);
    }
    return canonicalOrder ? allowed.filter((item) => chosen.includes(item)) : chosen;
  };
}

/**
 * Parse `argv` against `spec`; see the top of this file.
 * @param {string[]} argv
 * @param {Record<string, OptionSpec>} spec
 * @param {{usage?: string, unknown?: (argument: string) => string, positional?: (text: string) => void}} [settings]
 * @returns {Record<string, any>} the options by key; each program knows its own
 */
export function parseOptions(argv, spec, settings = {}) {
  const { usage } = settings;
  const unknown =
    settings.unknown ??
    ((argument) => `unknown argument ${argument}${usage === undefined ? '' : ' (try --help)'}`);
  /** @type {Record<string, { type: 'boolean' | 'string', short?: string }>} */
  const parseSpec = {};
  for (const [flag, entry] of Object.entries(spec))
    parseSpec[flag] = { type: entry.type === 'boolean' ? 'boolean' : 'string' };
  if (usage !== undefined) parseSpec.help = { type: 'boolean', short: 'h' };

  // strict: false keeps today's behaviour of taking the next argument as the value even when it
  // starts with a dash; the checks below stand in for strict mode's.
  const { tokens } = parseArgs({
    args: argv,
    options: parseSpec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  /** @type {Record<string, unknown>} */
  const options = {};
  for (const [flag, entry] of Object.entries(spec))
    options[entry.key ?? camelCase(flag)] = entry.default;
  for (const token of tokens ?? []) {
    if (token.kind === 'positional') {
      if (settings.positional === undefined) throw new Error(unknown(token.value));
      settings.positional(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') throw new Error(unknown('--'));
    if (token.name === 'help' && usage !== undefined) {
      console.log(usage);
      process.exit(0);
    }
    const entry = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (entry === undefined || token.rawName !== `--${token.name}`)
      throw new Error(unknown(argv[token.index] ?? token.rawName));
    const key = entry.key ?? camelCase(token.name);
    const name = token.rawName;
    if (entry.type === 'boolean') {
      if (token.value !== undefined) throw new Error(`${name} takes no value`);
      options[key] = entry.set ?? true;
      continue;
    }
    if (token.value === undefined) throw new Error(`${name} needs a value`);
    if (entry.parse !== undefined) options[key] = entry.parse(token.value, name);
    else if (entry.type === 'integer') options[key] = positiveInteger(token.value, name);
    else if (entry.type === 'path') options[key] = resolve(token.value);
    else options[key] = token.value;
  }
  return options;
}
