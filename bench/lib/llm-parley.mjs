// @ts-check
// Parley's side of benchmark B7: the compiled LLM layer from packages/server/dist, built the way the
// composition root builds it (`LanguageModels` → OpenAI-compatible provider + retries + logging),
// streaming from the local SSE server. PARLEY_SERVER_DIST points it at another build.
import { importFromDist } from './parley-dist.mjs';

const { LanguageModels } = await importFromDist('llm/language-models.js');
const { createSilentLogger } = await importFromDist('shared/logger.js');

const request = { messages: [{ role: 'user', content: 'go' }] };

/**
 * Streams one completion through Parley; calls onText(text) per text delta.
 * @param {import('./llm-measure.mjs').StreamRequest} request
 */
export async function parleyStream({ baseUrl, model, signal, onText }) {
  const languageModels = new LanguageModels({
    defaults: { model, baseUrl },
    logger: createSilentLogger(),
  });
  for await (const part of languageModels.create().stream(request, { signal })) {
    if (part.type === 'text-delta') onText(part.text);
  }
}
