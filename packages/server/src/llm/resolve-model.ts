/**
 * Which provider serves a model name, at which base URL, under which id.
 *
 * - `demo` → the offline demo model;
 * - `anthropic/<id>` (or a bare `claude-…`) → Anthropic Messages;
 * - `openai/<id>` (or a bare `gpt-…`, `o1…`, `o3…`, `o4…`) → OpenAI;
 * - `openrouter/<vendor>/<id>` → OpenRouter (OpenAI-compatible);
 * - `ollama/<id>`, `lm_studio/<id>` → their default local endpoints;
 * - any other name with an explicit base URL → an OpenAI-compatible endpoint (vLLM, llama.cpp
 *   server, LiteLLM proxy, …); `litellm_proxy/`, `hosted_vllm/` and `vllm/` prefixes are dropped.
 * An explicit base URL always wins over the default one.
 */
import { LlmModelUnknownError } from './llm-errors.js';
import type { ModelSettings } from './model-settings.js';

export type ResolvedModel =
  | { readonly provider: 'demo'; readonly modelName: 'demo' }
  | {
      readonly provider: 'openai-compatible' | 'anthropic';
      /** The name as configured, for logs and metrics. */
      readonly modelName: string;
      /** The id sent to the endpoint. */
      readonly modelId: string;
      readonly baseUrl: string;
      readonly apiKey: string | undefined;
    };

const defaultBaseUrls = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  ollama: 'http://localhost:11434/v1',
  lm_studio: 'http://localhost:1234/v1',
} as const;

const droppedPrefixes = new Set(['litellm_proxy', 'hosted_vllm', 'vllm', 'openai_compatible']);

export function resolveModel(settings: ModelSettings): ResolvedModel {
  const modelName = settings.model.trim();
  if (modelName === 'demo') return { provider: 'demo', modelName: 'demo' };
  const slash = modelName.indexOf('/');
  const prefix = slash > 0 ? modelName.slice(0, slash) : '';
  const rest = slash > 0 ? modelName.slice(slash + 1) : modelName;
  const apiKey = settings.apiKey;
  const explicitBaseUrl = settings.baseUrl;
  const resolved = (
    provider: 'openai-compatible' | 'anthropic',
    modelId: string,
    baseUrl: string,
  ): ResolvedModel => ({
    provider,
    modelName,
    modelId,
    baseUrl: explicitBaseUrl ?? baseUrl,
    apiKey,
  });

  if (prefix === 'anthropic') return resolved('anthropic', rest, defaultBaseUrls.anthropic);
  if (prefix === '' && modelName.startsWith('claude-')) {
    return resolved('anthropic', modelName, defaultBaseUrls.anthropic);
  }
  if (prefix === 'openai') return resolved('openai-compatible', rest, defaultBaseUrls.openai);
  if (prefix === '' && /^(gpt-|o1|o3|o4)/.test(modelName)) {
    return resolved('openai-compatible', modelName, defaultBaseUrls.openai);
  }
  if (prefix === 'openrouter' || prefix === 'ollama' || prefix === 'lm_studio') {
    return resolved('openai-compatible', rest, defaultBaseUrls[prefix]);
  }
  if (explicitBaseUrl !== undefined) {
    return resolved(
      'openai-compatible',
      droppedPrefixes.has(prefix) ? rest : modelName,
      explicitBaseUrl,
    );
  }
  throw new LlmModelUnknownError(modelName);
}
