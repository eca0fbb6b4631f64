/**
 * `createLanguageModels(config.llm, …)` as the composition root calls it: the demo default, the
 * settings fallback rules, and completion logs written through the real stack.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { LlmAuthenticationError, LlmModelUnknownError } from '../../../src/llm/llm-errors.js';
import { createLanguageModels } from '../../../src/llm/language-models.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';

const noDotenv = { dotenvPath: false } as const;
const logger = createSilentLogger();

describe('createLanguageModels', () => {
  let server: FakeLlmServer;
  const directories: string[] = [];
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.clearQueue();
    for (const directory of directories.splice(0))
      rmSync(directory, { recursive: true, force: true });
  });

  it('with nothing configured, answers with the offline demo model', async () => {
    const config = loadConfig({ PARLEY_DEMO_TOKEN_DELAY_MS: '0' }, noDotenv);
    const model = createLanguageModels(config.llm, {
      logger,
      dataDirectory: config.dataDirectory,
    }).create();
    expect(model.modelName).toBe('demo');
    const completion = await model.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.text).toMatch(/offline demo/);
  });

  it('uses the configured model, key and base URL by default', async () => {
    const config = loadConfig(
      { LLM_MODEL: 'openai/gpt-4o', LLM_API_KEY: 'sk-server-key', LLM_BASE_URL: server.baseUrl },
      noDotenv,
    );
    server.enqueue({ kind: 'reply', text: 'from the server default' });
    const before = server.requests.length;
    const model = createLanguageModels(config.llm, {
      logger,
      dataDirectory: config.dataDirectory,
    }).create();
    expect((await model.complete({ messages: [{ role: 'user', content: 'hi' }] })).text).toBe(
      'from the server default',
    );
    expect(server.requests[before]!.headers.authorization).toBe('Bearer sk-server-key');
  });

  it('a user’s other model never inherits the server’s key or base URL', async () => {
    const config = loadConfig(
      { LLM_MODEL: 'openai/gpt-4o', LLM_API_KEY: 'sk-server-key', LLM_BASE_URL: server.baseUrl },
      noDotenv,
    );
    const seen: { url: string; headers: Headers }[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return Promise.resolve(new Response('{"error":{"message":"no"}}', { status: 401 }));
    };
    const languageModels = createLanguageModels(config.llm, {
      logger,
      dataDirectory: config.dataDirectory,
      fetch: recordingFetch,
    });
    const model = languageModels.create({
      model: 'anthropic/claude-sonnet-4-20250514',
      apiKey: 'user-key',
    });
    await expect(
      model.complete({ messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(LlmAuthenticationError);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://api.anthropic.com/v1/messages');
    expect(seen[0]!.headers.get('x-api-key')).toBe('user-key');
    expect(() => languageModels.create({ model: 'no-such-model' })).toThrow(LlmModelUnknownError);
  });

  it('LOG_COMPLETIONS=true writes one JSON file per call under <data>/completions, key redacted', async () => {
    const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-llm-data-'));
    directories.push(dataDirectory);
    const apiKey = 'sk-completion-log-key';
    const config = loadConfig(
      {
        LLM_MODEL: 'anthropic/claude-sonnet-4-20250514',
        LLM_API_KEY: apiKey,
        LLM_BASE_URL: server.baseUrl,
        LOG_COMPLETIONS: 'true',
        PARLEY_DATA_DIR: dataDirectory,
      },
      noDotenv,
    );
    server.enqueue({ kind: 'reply', text: 'logged answer' });
    const model = createLanguageModels(config.llm, {
      logger,
      dataDirectory: config.dataDirectory,
    }).create();
    await model.complete({ messages: [{ role: 'user', content: `the key is ${apiKey}` }] });
    const directory = join(dataDirectory, 'completions');
    const files = readdirSync(directory);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^anthropic__claude-sonnet-4-20250514-\d+(\.\d+)?\.json$/);
    const text = readFileSync(join(directory, files[0]!), 'utf8');
    expect(text).not.toContain(apiKey);
    expect(JSON.parse(text)).toMatchObject({ response: { text: 'logged answer' } });
  });
});
