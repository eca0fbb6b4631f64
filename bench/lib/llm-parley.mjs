// Parley's side of benchmark B7: the compiled LLM layer from packages/server/dist, built the way the
// composition root builds it (`LanguageModels` → OpenAI-compatible provider + retries + logging),
// streaming from the local SSE server. PARLEY_SERVER_DIST points it at another build.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const serverDist =
  process.env.PARLEY_SERVER_DIST === undefined || process.env.PARLEY_SERVER_DIST === ''
    ? new URL('../../packages/server/dist/', import.meta.url)
    : pathToFileURL(`${resolve(process.env.PARLEY_SERVER_DIST)}/`);
const { LanguageModels } = await import(new URL('llm/language-models.js', serverDist).href);
const { createSilentLogger } = await import(new URL('shared/logger.js', serverDist).href);

const request = { messages: [{ role: 'user', content: 'go' }] };

/** Streams one completion through Parley; calls onText(text) per text delta. */
export async function parleyStream({ baseUrl, model, signal, onText }) {
  const languageModels = new LanguageModels({
    defaults: { model, baseUrl },
    logger: createSilentLogger(),
  });
  for await (const part of languageModels.create().stream(request, { signal })) {
    if (part.type === 'text-delta') onText(part.text);
  }
}
