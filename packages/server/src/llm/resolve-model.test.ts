import { describe, expect, it } from 'vitest';
import { LlmModelUnknownError } from './llm-errors.js';
import { resolveModel } from './resolve-model.js';

describe('resolveModel', () => {
  it('maps each provider prefix to its endpoint and model id', () => {
    expect(resolveModel({ model: 'demo' })).toEqual({ provider: 'demo', modelName: 'demo' });
    expect(resolveModel({ model: 'openai/gpt-4o', apiKey: 'k' })).toEqual({
      provider: 'openai-compatible',
      modelName: 'openai/gpt-4o',
      modelId: 'gpt-4o',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'k',
    });
    expect(resolveModel({ model: 'anthropic/claude-sonnet-4-20250514' })).toMatchObject({
      provider: 'anthropic',
      modelId: 'claude-sonnet-4-20250514',
      baseUrl: 'https://api.anthropic.com/v1',
    });
    expect(resolveModel({ model: 'openrouter/anthropic/claude-3.5-sonnet' })).toMatchObject({
      provider: 'openai-compatible',
      modelId: 'anthropic/claude-3.5-sonnet',
      baseUrl: 'https://openrouter.ai/api/v1',
    });
    expect(resolveModel({ model: 'ollama/llama3' })).toMatchObject({
      modelId: 'llama3',
      baseUrl: 'http://localhost:11434/v1',
    });
  });

  it('accepts upstream’s bare names', () => {
    expect(resolveModel({ model: 'claude-sonnet-4-20250514' })).toMatchObject({
      provider: 'anthropic',
    });
    expect(resolveModel({ model: 'gpt-4o-mini' })).toMatchObject({
      provider: 'openai-compatible',
      modelId: 'gpt-4o-mini',
    });
  });

  it('sends any other name to an explicit base URL, which also wins over defaults', () => {
    expect(
      resolveModel({ model: 'Qwen/Qwen2.5-7B', baseUrl: 'http://vllm:8000/v1' }),
    ).toMatchObject({
      provider: 'openai-compatible',
      modelId: 'Qwen/Qwen2.5-7B',
      baseUrl: 'http://vllm:8000/v1',
    });
    expect(
      resolveModel({ model: 'litellm_proxy/claude', baseUrl: 'http://proxy/v1' }),
    ).toMatchObject({ modelId: 'claude' });
    expect(resolveModel({ model: 'anthropic/claude-x', baseUrl: 'http://local/v1' })).toMatchObject(
      {
        provider: 'anthropic',
        baseUrl: 'http://local/v1',
      },
    );
  });

  it('refuses an unknown name without a base URL', () => {
    expect(() => resolveModel({ model: 'mystery-model' })).toThrow(LlmModelUnknownError);
  });
});
