// @ts-check
// Peer of benchmark B7: the limit. A direct `fetch` consumer of the same local SSE stream that
// Parley relays: it splits the body into events, JSON.parses each `data:` line and takes the delta
// text — the least a client must do to use the stream. No retries, timeouts, validation or metrics.
const decoder = new TextDecoder();

/**
 * Streams one completion; calls onText(text) per content delta. Resolves when the stream ends;
 * rejects (AbortError) when `signal` fires.
 * @param {import('../lib/llm-measure.mjs').StreamRequest} request
 */
export async function directStream({ baseUrl, model, signal, onText }) {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'go' }] }),
    signal,
  });
  if (!response.ok || response.body === null) throw new Error(`status ${response.status}`);
  let buffer = '';
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith('data: ')) continue;
      const data = event.slice(6);
      if (data === '[DONE]') return;
      const content = JSON.parse(data).choices[0]?.delta?.content;
      if (content) onText(content);
    }
  }
}
