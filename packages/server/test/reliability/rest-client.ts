/** The few REST calls the scenarios make, with plain `fetch` as any client would. */
export interface RestOptions {
  readonly sessionApiKey?: string;
  readonly signal?: AbortSignal;
}

export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export async function rest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: RestOptions = {},
): Promise<RestAnswer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.sessionApiKey !== undefined) headers['x-session-api-key'] = options.sessionApiKey;
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

export async function createConversation(
  baseUrl: string,
  body: Record<string, unknown> = {},
  options: RestOptions = {},
): Promise<string> {
  const answer = await rest(baseUrl, 'POST', '/api/conversations', body, options);
  if (answer.status !== 200) {
    throw new Error(`creating a conversation failed: ${answer.status} ${answer.text}`);
  }
  return (answer.body as { conversation_id: string }).conversation_id;
}

/** Posts a user message; acknowledged when the server answered 200. */
export async function postMessage(
  baseUrl: string,
  conversationId: string,
  message: string,
  options: RestOptions = {},
): Promise<{ acknowledged: boolean; detail?: string }> {
  const answer = await rest(
    baseUrl,
    'POST',
    `/api/conversations/${encodeURIComponent(conversationId)}/message`,
    { message },
    options,
  );
  return answer.status === 200
    ? { acknowledged: true }
    : { acknowledged: false, detail: `${answer.status} ${answer.text.slice(0, 200)}` };
}
