import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import table of ARCHITECTURE.md is enforced by eslint.config.js. These cases lint small
 * snippets as if they lived at a given path, so a config change that stops catching a wrong arrow
 * fails here. Imported modules must exist, since the rule resolves them.
 */
const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
// no-cycle needs files on disk (it crashes on virtual ones); it is checked by `npm run check`.
const eslint = new ESLint({
  cwd: repositoryRoot,
  overrideConfig: { rules: { 'import/no-cycle': 'off' } },
});

async function ruleViolations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repositoryRoot}${path}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'import/no-restricted-paths')
    .map((message) => message.message);
}

describe('import rules', () => {
  it.each([
    [
      'packages/server/src/shared/x.ts',
      "import { openDatabase } from '../storage/open-database.js';",
    ],
    ['packages/server/src/shared/x.ts', "import { agentStates } from '@parley/protocol';"],
    [
      'packages/server/src/storage/x.ts',
      "import { SqlEventStore } from '../events/sql-event-store.js';",
    ],
    ['packages/server/src/storage/x.ts', "import { loadConfig } from '../config/load-config.js';"],
    ['packages/server/src/events/x.ts', "import { loadConfig } from '../config/load-config.js';"],
    ['packages/server/src/events/x.ts', "import { createApp } from '../app.js';"],
    [
      'packages/server/src/http/x.ts',
      "import { openDatabase } from '../storage/open-database.js';",
    ],
    [
      'packages/server/src/events/x.ts',
      "import { createTestConfig } from '../../test/support/test-config.js';",
    ],
    [
      'packages/server/src/settings/x.ts',
      "import type { ConversationStore } from '../conversations/conversation-store.js';",
    ],
    [
      'packages/server/src/settings/x.ts',
      "import type { LanguageModel } from '../llm/language-model.js';",
    ],
    ['packages/server/src/settings/x.ts', "import { loadConfig } from '../config/load-config.js';"],
    [
      'packages/server/src/realtime/x.ts',
      "import type { SettingsStore } from '../settings/settings-store.js';",
    ],
    [
      'packages/server/src/storage/x.ts',
      "import type { SettingsStore } from '../settings/settings-store.js';",
    ],
    ['packages/protocol/src/x.ts', "import { createApp } from '../../server/src/app.js';"],
    [
      'packages/server/src/runtime/x.ts',
      "import { EventStream } from '../events/event-stream.js';",
    ],
    ['packages/server/src/runtime/x.ts', "import { loadConfig } from '../config/load-config.js';"],
    ['packages/server/src/runtime/x.ts', "import { agentStates } from '@parley/protocol';"],
    [
      'packages/server/src/http/x.ts',
      "import { BubblewrapSandbox } from '../runtime/bubblewrap-sandbox.js';",
    ],
    [
      'packages/server/src/realtime/x.ts',
      "import { BubblewrapSandbox } from '../runtime/bubblewrap-sandbox.js';",
    ],
    ['packages/server/src/realtime/x.ts', "import type { Accounts } from '../auth/accounts.js';"],
    [
      'packages/server/src/auth/x.ts',
      "import type { ConversationService } from '../conversations/conversation-service.js';",
    ],
    ['packages/server/src/auth/x.ts', "import { loadConfig } from '../config/load-config.js';"],
    ['packages/server/src/auth/x.ts', "import { agentStates } from '@parley/protocol';"],
  ])('refuses %s importing: %s', async (path, code) => {
    expect(await ruleViolations(path, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    [
      'packages/server/src/events/x.ts',
      "import { openDatabase } from '../storage/open-database.js';",
    ],
    ['packages/server/src/events/x.ts', "import { agentStates } from '@parley/protocol';"],
    ['packages/server/src/storage/x.ts', "import type { Config } from '../config/config.js';"],
    [
      'packages/server/src/http/x.ts',
      "import { SqlEventStore } from '../events/sql-event-store.js';",
    ],
    [
      'packages/server/src/settings/x.ts',
      "import { openDatabase } from '../storage/open-database.js';",
    ],
    ['packages/server/src/settings/x.ts', "import { isStorableText } from '@parley/protocol';"],
    [
      'packages/server/src/conversations/x.ts',
      "import type { SettingsStore } from '../settings/settings-store.js';",
    ],
    [
      'packages/server/src/http/x.ts',
      "import type { SecretsStore } from '../settings/secrets-store.js';",
    ],
    ['packages/server/src/app.ts', "import { openDatabase } from './storage/open-database.js';"],
    ['packages/server/src/runtime/x.ts', "import type { Config } from '../config/config.js';"],
    ['packages/server/src/runtime/x.ts', "import { ParleyError } from '../shared/errors.js';"],
    [
      'packages/server/src/events/x.test.ts',
      "import { createTestConfig } from '../../test/support/test-config.js';",
    ],
    ['packages/server/src/http/x.ts', "import type { Accounts } from '../auth/accounts.js';"],
    [
      'packages/server/src/auth/x.ts',
      "import { openDatabase } from '../storage/open-database.js';",
    ],
    ['packages/server/src/auth/x.ts', "import type { AuthConfig } from '../config/config.js';"],
  ])('allows %s importing: %s', async (path, code) => {
    expect(await ruleViolations(path, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});
