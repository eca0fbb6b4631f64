#!/usr/bin/env node
// @ts-check
// Summarises a V8 `.cpuprofile` (as written by `node bench/rest-bench.mjs --cpu-prof dir`): the
// share of sampled time per function, self and inclusive (a function counted once per sample however
// often it recurs on the stack), and self time per package (`node_modules/<name>`, Node's own
// `node:` code, Parley's `packages/*`, or V8's `(garbage collector)`, `(program)`, `(idle)`).
//
//   node bench/lib/rest-profile-summary.mjs <file.cpuprofile> [--top N] [--match text]
//
// Percentages are of the non-idle samples. --match lists only inclusive rows whose function or
// file contains the text.
import { parseOptions } from './cli-options.mjs';
import { readCpuProfile } from './cpu-profile.mjs';

const argv = process.argv.slice(2);
const file = argv.shift();
if (file === undefined || file.startsWith('-')) {
  console.error(
    'node bench/lib/rest-profile-summary.mjs <file.cpuprofile> [--top N] [--match text]',
  );
  process.exit(1);
}
const options = parseOptions(argv, {
  top: { type: 'integer', default: 25 },
  match: { type: 'string' },
});

const { profile, node: nodeOf, stackOf } = readCpuProfile(file);

/** @param {string} url */
function packageOf(url) {
  if (url === '') return undefined;
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const [scope = '', name = ''] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.startsWith('node:')) return 'node: (Node.js)';
  const workspace = /packages\/([^/]+)\//.exec(url);
  if (workspace !== null) return `parley ${workspace[1]}`;
  return url;
}

/** @param {import('./cpu-profile.mjs').ProfileNode} node */
function keyOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const short = url.replace(/^.*node_modules\//, '').replace(/^.*packages\//, '');
  return `${name} ${short}:${lineNumber + 1}`;
}

/** @type {Map<string, number>} */
const self = new Map();
/** @type {Map<string, number>} */
const inclusive = new Map();
/** @type {Map<string, number>} */
const byPackage = new Map();
let total = 0;
/** @type {(map: Map<string, number>, key: string, value: number) => void} */
const add = (map, key, value) => {
  map.set(key, (map.get(key) ?? 0) + value);
};
profile.samples.forEach((id, index) => {
  const node = nodeOf(id);
  const delta = profile.timeDeltas[index] ?? 0;
  if (node.callFrame.functionName === '(idle)') return;
  total += delta;
  add(self, keyOf(node), delta);
  add(byPackage, packageOf(node.callFrame.url) ?? node.callFrame.functionName, delta);
  const seen = new Set();
  for (const caller of stackOf(id)) {
    const key = keyOf(caller);
    if (seen.has(key)) continue;
    seen.add(key);
    add(inclusive, key, delta);
  }
});

/** @param {number} value */
const percent = (value) => `${((value / total) * 100).toFixed(1).padStart(5)}%`;
/**
 * @param {string} title
 * @param {Map<string, number>} map
 * @param {(key: string) => boolean} [filter]
 */
function print(title, map, filter = () => true) {
  console.log(`\n${title}`);
  const rows = [...map].filter(([key]) => filter(key)).sort((a, b) => b[1] - a[1]);
  for (const [key, value] of rows.slice(0, options.top)) console.log(`${percent(value)}  ${key}`);
}

console.log(`${file}: ${(total / 1e6).toFixed(2)} s of non-idle samples`);
print('self time by package', byPackage);
print('self time by function', self);
print(
  'inclusive time by function',
  inclusive,
  options.match === undefined
    ? (key) => key !== '(root)'
    : (key) => key.toLowerCase().includes(options.match.toLowerCase()),
);
