import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { LanguageModels } from '../../../src/llm/language-models.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';

const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
    rmSync(app.config.dataDirectory, { recursive: true, force: true });
  }
});

it('the app builds its LLM factory from config.llm: the demo model by default', async () => {
  const app = await createApp(createTestConfig(), { logger: createSilentLogger() });
  apps.push(app);
  expect(app.languageModels).toBeInstanceOf(LanguageModels);
  expect(app.languageModels.defaults.model).toBe('demo');
  expect(app.languageModels.create().modelName).toBe('demo');
});

it('takes an LLM factory override', async () => {
  const languageModels = new LanguageModels({
    defaults: { model: 'openai/gpt-4o', baseUrl: 'http://127.0.0.1:9/v1' },
    logger: createSilentLogger(),
  });
  const app = await createApp(createTestConfig(), { logger: createSilentLogger(), languageModels });
  apps.push(app);
  expect(app.languageModels).toBe(languageModels);
});
