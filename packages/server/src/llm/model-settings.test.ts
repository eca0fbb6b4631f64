import { describe, expect, it } from 'vitest';
import {
  chooseModelSettings,
  hasCredentials,
  runsWithoutApiKey,
  withoutOtherProvider,
  type ModelSettings,
} from './model-settings.js';

const server: ModelSettings = {
  model: 'openai/gpt-4o',
  apiKey: 'sk-server',
  baseUrl: 'http://user:password@proxy.example/v1',
};

/** The one place the rule lives: only the server's default model inherits its key and base URL. */
describe('chooseModelSettings', () => {
  it('a non-default model never receives the server key or base URL', () => {
    for (const model of ['anthropic/claude-sonnet-4-20250514', 'openai/gpt-4o-mini', 'demo']) {
      expect(chooseModelSettings({ model }, server)).toEqual({
        model,
        apiKey: undefined,
        baseUrl: undefined,
      });
    }
    // Not even a blank key or base URL lets the server's through.
    expect(
      chooseModelSettings({ model: 'anthropic/claude', apiKey: ' ', baseUrl: '' }, server),
    ).toEqual({ model: 'anthropic/claude', apiKey: undefined, baseUrl: undefined });
  });

  it('the default model, named or left unset, inherits the server key and base URL', () => {
    expect(chooseModelSettings({}, server)).toEqual(server);
    expect(chooseModelSettings({ model: 'openai/gpt-4o' }, server)).toEqual(server);
    expect(chooseModelSettings({ model: undefined, apiKey: '', baseUrl: '  ' }, server)).toEqual(
      server,
    );
  });

  it("the user's own key and base URL win, field by field", () => {
    expect(chooseModelSettings({ apiKey: 'sk-mine' }, server)).toEqual({
      ...server,
      apiKey: 'sk-mine',
    });
    expect(chooseModelSettings({ baseUrl: 'http://mine/v1' }, server)).toEqual({
      ...server,
      baseUrl: 'http://mine/v1',
    });
    expect(
      chooseModelSettings(
        { model: 'anthropic/claude', apiKey: 'sk-a', baseUrl: 'http://a' },
        server,
      ),
    ).toEqual({ model: 'anthropic/claude', apiKey: 'sk-a', baseUrl: 'http://a' });
  });
});

describe("the stock web UI's provider other", () => {
  it('other/<name> is <name>: only a leading other/ goes, once', () => {
    expect(withoutOtherProvider('other/demo')).toBe('demo');
    expect(withoutOtherProvider('other/other/x')).toBe('other/x');
    expect(withoutOtherProvider('openrouter/other/x')).toBe('openrouter/other/x');
    expect(withoutOtherProvider('others/x')).toBe('others/x');
    expect(withoutOtherProvider('demo')).toBe('demo');
  });

  it('other/demo is the keyless demo model, and a server default named other/… is its name', () => {
    const settings = chooseModelSettings({ model: 'other/demo' }, server);
    expect(settings).toEqual({ model: 'demo', apiKey: undefined, baseUrl: undefined });
    expect(hasCredentials(settings)).toBe(true);
    const bare = { model: 'other/qwen', apiKey: 'sk-s', baseUrl: 'http://vllm/v1' };
    expect(chooseModelSettings({}, bare)).toEqual({ ...bare, model: 'qwen' });
  });
});

describe('runsWithoutApiKey and hasCredentials', () => {
  it.each(['demo', 'ollama/llama3', 'bedrock/anthropic.claude-v2', 'lemonade/some-model'])(
    'the keyless model %s works without a key or base URL',
    (model) => {
      expect(runsWithoutApiKey(model)).toBe(true);
      const settings = chooseModelSettings({ model }, server);
      expect(settings.apiKey).toBeUndefined();
      expect(hasCredentials(settings)).toBe(true);
    },
  );

  it('any other model needs a key or a base URL', () => {
    expect(runsWithoutApiKey('demo-large')).toBe(false);
    expect(runsWithoutApiKey('anthropic/claude')).toBe(false);
    expect(hasCredentials({ model: 'anthropic/claude' })).toBe(false);
    expect(hasCredentials({ model: 'anthropic/claude', apiKey: 'sk-a' })).toBe(true);
    expect(hasCredentials({ model: 'openai/local', baseUrl: 'http://127.0.0.1:8000/v1' })).toBe(
      true,
    );
  });
});
