import { describe, expect, it } from 'vitest';
import type { ModelSettings } from '../llm/model-settings.js';
import { ParleyError } from '../shared/errors.js';
import type { StoredSettings } from '../settings/settings-store.js';
import type { SecretsStore } from '../settings/secrets-store.js';
import { chooseLlm, createUserLlmContextLoader } from './user-llm-context.js';

const demoDefault: ModelSettings = { model: 'demo', apiKey: undefined, baseUrl: undefined };
const openAiDefault: ModelSettings = {
  model: 'openai/gpt-4o',
  apiKey: undefined,
  baseUrl: undefined,
};

function settings(
  fields: StoredSettings['fields'],
  keys: StoredSettings['keys'] = {},
): StoredSettings {
  return { fields, keys };
}

function failure(run: () => unknown): { code: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return { code: (error as ParleyError).code, message: (error as ParleyError).message };
  }
}

const settingsNotFound = { code: 'SETTINGS_NOT_FOUND', message: 'Settings not found' };
const keyMissing = {
  code: 'LLM_API_KEY_MISSING',
  message: 'Error authenticating with the LLM provider. Please check your API key',
};

/** Which LLM a new conversation gets, and upstream's refusals (reference §5.3). */
describe('chooseLlm', () => {
  it('no settings and the demo default: the demo model, no key needed', () => {
    expect(chooseLlm(undefined, demoDefault)).toEqual({
      model: 'demo',
      apiKey: undefined,
      baseUrl: undefined,
    });
  });

  it('only the model named exactly demo is keyless, not any name starting with demo', () => {
    expect(failure(() => chooseLlm(settings({ llm_model: 'demo-large' }), demoDefault))).toEqual(
      keyMissing,
    );
    expect(chooseLlm(settings({ llm_model: 'ollama/llama3' }), demoDefault).model).toBe(
      'ollama/llama3',
    );
  });

  it('no settings, a non-demo default without a key or base URL: SETTINGS_NOT_FOUND', () => {
    expect(failure(() => chooseLlm(undefined, openAiDefault))).toEqual(settingsNotFound);
  });

  it('no settings, a default with a key or a base URL: the default', () => {
    expect(chooseLlm(undefined, { ...openAiDefault, apiKey: 'sk-server' })).toEqual({
      model: 'openai/gpt-4o',
      apiKey: 'sk-server',
      baseUrl: undefined,
    });
    expect(chooseLlm(undefined, { ...openAiDefault, baseUrl: 'http://127.0.0.1:8000/v1' })).toEqual(
      { model: 'openai/gpt-4o', apiKey: undefined, baseUrl: 'http://127.0.0.1:8000/v1' },
    );
  });

  it('settings naming another model without a key: LLM_API_KEY_MISSING', () => {
    expect(
      failure(() => chooseLlm(settings({ llm_model: 'anthropic/claude' }), demoDefault)),
    ).toEqual(keyMissing);
  });

  it("settings naming another model never borrow the server default's key or base URL", () => {
    const server = { model: 'openai/gpt-4o', apiKey: 'sk-server', baseUrl: 'http://proxy' };
    expect(failure(() => chooseLlm(settings({ llm_model: 'anthropic/claude' }), server))).toEqual(
      keyMissing,
    );
  });

  it("settings naming the default model (or none) use the server default's key", () => {
    const server = { ...openAiDefault, apiKey: 'sk-server' };
    expect(chooseLlm(settings({ llm_model: 'openai/gpt-4o' }), server).apiKey).toBe('sk-server');
    expect(chooseLlm(settings({ language: 'fr' }), server)).toEqual({
      model: 'openai/gpt-4o',
      apiKey: 'sk-server',
      baseUrl: undefined,
    });
    expect(chooseLlm(settings({ llm_model: null }), server).model).toBe('openai/gpt-4o');
  });

  it("the user's key and base URL win over the server's", () => {
    const server = { model: 'openai/gpt-4o', apiKey: 'sk-server', baseUrl: 'http://server' };
    expect(
      chooseLlm(
        settings(
          { llm_model: 'openai/gpt-4o', llm_base_url: 'http://mine' },
          { llm_api_key: 'sk-me' },
        ),
        server,
      ),
    ).toEqual({ model: 'openai/gpt-4o', apiKey: 'sk-me', baseUrl: 'http://mine' });
  });

  it('settings with a key, or with a base URL of a local server, pass', () => {
    expect(
      chooseLlm(settings({ llm_model: 'anthropic/claude' }, { llm_api_key: 'sk-a' }), demoDefault),
    ).toEqual({ model: 'anthropic/claude', apiKey: 'sk-a', baseUrl: undefined });
    expect(
      chooseLlm(
        settings({ llm_model: 'openai/local', llm_base_url: 'http://127.0.0.1:11434/v1' }),
        demoDefault,
      ).baseUrl,
    ).toBe('http://127.0.0.1:11434/v1');
  });

  it.each(['bedrock/anthropic.claude-v2', 'lemonade/some-model', 'ollama/llama3', 'demo'])(
    'the keyless model %s needs no key',
    (model) => {
      expect(chooseLlm(settings({ llm_model: model }), openAiDefault)).toEqual({
        model,
        apiKey: undefined,
        baseUrl: undefined,
      });
    },
  );

  it('a blank key or blank base URL counts as none (upstream: "missing or blank")', () => {
    expect(
      failure(() =>
        chooseLlm(settings({ llm_model: 'anthropic/claude' }, { llm_api_key: '   ' }), demoDefault),
      ),
    ).toEqual(keyMissing);
    expect(
      failure(() =>
        chooseLlm(settings({ llm_model: 'anthropic/claude', llm_base_url: '' }), demoDefault),
      ),
    ).toEqual(keyMissing);
  });
});

/** The loader hands the stored mcp_config to the agent and masks its secrets in events. */
describe('createUserLlmContextLoader and mcp_config', () => {
  const mcpConfig = {
    shttp_servers: [{ url: 'https://mcp.example.com/mcp', api_key: 'mcp-key-1234' }],
    stdio_servers: [{ name: 's', command: 'x', env: { API_TOKEN: 'tok-5678', LEVEL: 'info' } }],
  };
  function loader(stored: StoredSettings | undefined) {
    return createUserLlmContextLoader({
      settings: {
        load: () => Promise.resolve(stored),
        update: () => Promise.reject(new Error('not used')),
      },
      secrets: { values: () => Promise.resolve({}) } as unknown as SecretsStore,
      serverLlm: demoDefault,
    });
  }

  it('gives the stored mcp_config and masks its keys and secret-looking variables', async () => {
    const context = await loader(settings({ mcp_config: mcpConfig }))('alice');
    expect(context.mcpConfig).toEqual(mcpConfig);
    expect(Object.values(context.secrets)).toEqual(['mcp-key-1234', 'tok-5678']);
  });

  it('gives null without settings', async () => {
    const context = await loader(undefined)('alice');
    expect(context.mcpConfig).toBeNull();
    expect(context.secrets).toEqual({});
  });
});
