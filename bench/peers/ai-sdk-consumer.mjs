// @ts-check
// Information peer of benchmark B7: the provider library alone. Reads the same stream through
// `@ai-sdk/openai-compatible`'s `doStream` and a bare reader loop — no retries, timeouts, metrics,
// logging or async generators — to show how much of Parley's cost is the library's wire parsing
// (web streams, SSE parser, per-chunk JSON parse and schema validation).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const { createOpenAICompatible } = await import(require.resolve('@ai-sdk/openai-compatible'));

const prompt = [{ role: 'user', content: [{ type: 'text', text: 'go' }] }];

/** @param {import('../lib/llm-measure.mjs').StreamRequest} request */
export async function libraryStream({ baseUrl, model, signal, onText }) {
  const provider = createOpenAICompatible({ name: 'bench', baseURL: baseUrl, includeUsage: true });
  const result = await provider.chatModel(model).doStream({ prompt, abortSignal: signal });
  const reader = result.stream.getReader();
  const onAbort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.type === 'text-delta') onText(value.delta);
      else if (value.type === 'error') throw value.error;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
}
