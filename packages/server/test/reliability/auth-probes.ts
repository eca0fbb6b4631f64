/**
 * What R6 throws at the server: every REST route (with a conversation or secret id where it takes
 * one), the ways to present a wrong key, and hostile ids (path traversal, encoded dots, NUL, 10 KB,
 * SQL and LIKE metacharacters, a near miss of a real id). Ids that would name a file carry a
 * marker, so a file created from one can be found by name afterwards.
 */
import type { OutgoingHttpHeaders } from 'node:http';

export interface RouteProbe {
  readonly method: string;
  /** The raw path (and query), sent as it is. */
  readonly path: string;
  readonly body?: string;
}

/** Every route of the REST face, with `id` as the conversation id and `secret` as the secret's. */
export function everyRoute(id: string, secret = id): RouteProbe[] {
  const conversation = `/api/conversations/${id}`;
  const json = (value: unknown): string => JSON.stringify(value);
  return [
    { method: 'GET', path: '/api/conversations' },
    { method: 'GET', path: `/api/conversations?page_id=${id}&limit=5` },
    { method: 'POST', path: '/api/conversations', body: json({}) },
    { method: 'GET', path: conversation },
    { method: 'PATCH', path: conversation, body: json({ title: 'renamed by a prober' }) },
    { method: 'DELETE', path: conversation },
    { method: 'POST', path: `${conversation}/start`, body: json({}) },
    { method: 'POST', path: `${conversation}/stop` },
    { method: 'GET', path: `${conversation}/config` },
    { method: 'GET', path: `${conversation}/git/changes` },
    { method: 'GET', path: `${conversation}/web-hosts` },
    { method: 'GET', path: `${conversation}/vscode-url` },
    { method: 'GET', path: `${conversation}/events?start_id=0&limit=100` },
    {
      method: 'POST',
      path: `${conversation}/events`,
      body: json({ action: 'message', args: { content: 'injected by a prober' } }),
    },
    { method: 'POST', path: `${conversation}/message`, body: json({ message: 'by a prober' }) },
    { method: 'GET', path: `/api/v1/events/count?conversation_id__eq=${id}` },
    { method: 'GET', path: `/api/v1/events/search?conversation_id__eq=${id}&limit=100` },
    { method: 'GET', path: '/api/settings' },
    { method: 'POST', path: '/api/settings', body: json({ language: 'fr' }) },
    { method: 'GET', path: '/api/secrets' },
    { method: 'POST', path: '/api/secrets', body: json({ name: 'PROBE', value: 'probe-value' }) },
    { method: 'PUT', path: `/api/secrets/${secret}`, body: json({ name: 'PROBE' }) },
    { method: 'DELETE', path: `/api/secrets/${secret}` },
    { method: 'GET', path: '/api/options/models' },
    { method: 'GET', path: '/api/options/config' },
    { method: 'GET', path: '/api/v1/sandboxes' },
  ];
}

/** The same `/api` route spelled so that a naive prefix check might miss it. */
export function disguisedApiPaths(id: string): RouteProbe[] {
  return [
    `/%61pi/conversations/${id}`,
    `//api/conversations/${id}`,
    `/api/./conversations/${id}`,
    `/api/conversations/../conversations/${id}`,
    `/API/conversations/${id}`,
    `/api/conversations/${id}/`,
    `/api/conversations/${id}?session_api_key=guess`,
    `/api/conversations/${id}%2Fevents`,
    `/api%2Fconversations/${id}`,
  ].map((path) => ({ method: 'GET', path }));
}

/** Routes outside `/api`, open by design: they must not show anything of a conversation. */
export const openRoutes: readonly RouteProbe[] = [
  '/alive',
  '/health',
  '/metrics',
  '/server_info',
  '/openapi.json',
  '/docs',
].map((path) => ({ method: 'GET', path }));

/** Ways to present a key that is not the key (header values; `undefined` sends none). */
export function wrongKeyHeaders(key: string): { label: string; headers: OutgoingHttpHeaders }[] {
  return [
    { label: 'no key', headers: {} },
    { label: 'empty key', headers: { 'x-session-api-key': '' } },
    { label: 'wrong key', headers: { 'x-session-api-key': 'sk-not-the-key' } },
    { label: 'key in upper case', headers: { 'x-session-api-key': key.toUpperCase() } },
    { label: 'key prefix', headers: { 'x-session-api-key': key.slice(0, -1) } },
    { label: 'key plus one character', headers: { 'x-session-api-key': `${key}x` } },
    { label: 'repeated wrong keys', headers: { 'x-session-api-key': ['wrong-1', 'wrong-2'] } },
    { label: 'bearer token', headers: { authorization: `Bearer ${key}x` } },
  ];
}

/** Hostile conversation ids, as raw path segments; `marker` names whatever a file could be. */
export function hostileIds(realId: string, marker: string): { label: string; id: string }[] {
  return [
    { label: 'dot dot', id: `..%2F..%2F${marker}` },
    { label: 'raw dot dot', id: `..` },
    { label: 'encoded dots', id: `%2e%2e%2f%2e%2e%2f${marker}` },
    { label: 'double encoded', id: `%252e%252e%252f${marker}` },
    { label: 'backslash', id: `..%5C..%5C${marker}` },
    { label: 'NUL', id: `${marker}%00.db` },
    { label: 'control character', id: `${marker}%0A` },
    { label: '10 KB', id: `${marker}${'a'.repeat(10 * 1024)}` },
    { label: 'SQL quote', id: `${realId}'%20OR%20'1'%3D'1` },
    { label: 'SQL comment', id: `${realId}'--` },
    { label: 'SQL union', id: `x'%20UNION%20SELECT%20payload%20FROM%20events--` },
    { label: 'SQL statement', id: `x';%20DROP%20TABLE%20events;--` },
    { label: 'LIKE wildcard', id: '%25' },
    { label: 'LIKE prefix', id: `${realId.slice(0, 8)}%25` },
    { label: 'LIKE underscore', id: `${realId.slice(0, -1)}_` },
    { label: 'upper case of the real id', id: realId.toUpperCase() },
    { label: 'real id with a space', id: `${realId}%20` },
    { label: 'JSON', id: '%7B%22%24ne%22%3Anull%7D' },
  ];
}
