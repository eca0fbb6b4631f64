/**
 * Socket URLs. `buildWebSocketUrl` follows upstream's `websocket-url.ts`: `ws:` or `wss:` by the
 * page's protocol, the host of the conversation's `url` when that is absolute (else the page's
 * host), path `/sockets/events/{id}`, no query. `withQuery` appends query parameters the way the
 * hook does (`URLSearchParams`, booleans as `true`/`false`).
 */

/** What `buildWebSocketUrl` reads of `window.location`. */
export interface PageLocation {
  protocol: string;
  host: string;
}

export function buildWebSocketUrl(
  conversationId: string | null | undefined,
  conversationUrl: string | null | undefined,
  location: PageLocation = window.location,
): string | null {
  if (conversationId === undefined || conversationId === null || conversationId === '') {
    return null;
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${hostOf(conversationUrl) ?? location.host}/sockets/events/${encodeURIComponent(conversationId)}`;
}

function hostOf(conversationUrl: string | null | undefined): string | undefined {
  if (conversationUrl === undefined || conversationUrl === null) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(conversationUrl)) return undefined;
  try {
    const host = new URL(conversationUrl).host;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

/** A query value; `null` or `undefined` leaves the key out. */
export type QueryValue = string | number | boolean | null | undefined;

export function withQuery(url: string, params: Readonly<Record<string, QueryValue>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  if (text === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${text}`;
}
