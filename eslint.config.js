// Lint rules, including the import table of ARCHITECTURE.md: a wrong arrow fails `npm run check`.
import js from '@eslint/js';
import importPlugin from 'eslint-plugin-import';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const serverSource = './packages/server/src';
const serverFolders = [
  'shared',
  'config',
  'storage',
  'events',
  'llm',
  'runtime',
  'settings',
  'auth',
  'conversations',
  'http',
  'realtime',
];
const entryFiles = [
  `${serverSource}/app.ts`,
  `${serverSource}/main.ts`,
  `${serverSource}/user-command.ts`,
];

/** Who may import whom inside packages/server/src (besides itself). `app.ts` may import everything. */
const allowedImports = {
  shared: [],
  config: ['shared'],
  storage: ['shared', 'config'],
  events: ['shared', 'storage'],
  llm: ['shared'],
  runtime: ['shared', 'config'],
  settings: ['shared', 'storage'],
  auth: ['shared', 'storage', 'config'],
  conversations: ['shared', 'storage', 'events', 'llm', 'runtime', 'settings'],
  http: ['shared', 'config', 'auth', 'settings', 'conversations', 'events'],
  realtime: ['shared', 'config', 'conversations', 'events'],
};

/** Folders that may not use the wire contract (`@parley/protocol`). */
const withoutProtocol = ['shared', 'config', 'storage', 'llm', 'runtime', 'auth'];
/** Folders that may use config types only, never load the configuration. */
const configTypesOnly = ['storage', 'runtime', 'auth', 'http', 'realtime'];

const boundaryZones = [
  ...withoutProtocol.map((folder) => ({
    target: `${serverSource}/${folder}`,
    from: ['./packages/protocol', './node_modules/@parley/protocol'],
    message: `packages/server/src/${folder} may not import @parley/protocol (see ARCHITECTURE.md)`,
  })),
  ...configTypesOnly.map((folder) => ({
    target: `${serverSource}/${folder}`,
    from: [`${serverSource}/config/load-config.ts`],
    message: `packages/server/src/${folder} may import config types only; app.ts loads the configuration`,
  })),
  ...serverFolders.map((folder) => ({
    target: `${serverSource}/${folder}`,
    from: [
      ...serverFolders
        .filter((other) => other !== folder && !allowedImports[folder].includes(other))
        .map((other) => `${serverSource}/${other}`),
      ...entryFiles,
    ],
    message: `packages/server/src/${folder} may import only: ${allowedImports[folder].join(', ') || 'nothing from src/'} (see ARCHITECTURE.md)`,
  })),
  {
    target: './packages/protocol',
    from: ['./packages/server', './packages/web'],
    message: 'protocol imports zod only',
  },
  {
    target: './packages/web',
    from: ['./packages/server'],
    message: 'web imports only protocol from our code',
  },
  {
    target: './packages/server/src',
    from: ['./packages/web'],
    message: 'the server never imports the web client',
  },
];

/** Production code never imports test support; only `*.test.ts` files may. */
const testSupportZone = {
  target: serverSource,
  from: ['./packages/server/test'],
  message: 'source never imports test support (tests beside the source may)',
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { typescript: { project: 'tsconfig.tests.json' }, node: true },
    },
    rules: {
      'import/no-cycle': 'error',
      'import/no-restricted-paths': ['error', { zones: [...boundaryZones, testSupportZone] }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { 'import/no-restricted-paths': ['error', { zones: boundaryZones }] },
  },
  {
    // The wire contract may import nothing but zod.
    files: ['packages/protocol/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\.{1,2}/)', message: 'protocol imports zod only' }] },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
