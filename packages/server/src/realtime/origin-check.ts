import type { IncomingMessage } from 'node:http';

/**
 * Whether a socket's upgrade request may proceed, judged by its `Origin` header: absent (not a
 * browser), allowed by the REST CORS rule, or the page's own origin (same host as the request).
 * This keeps another website's page from opening a socket with the user's cookies.
 */
export function originPermitted(
  request: IncomingMessage,
  isOriginAllowed: (origin: string | undefined) => boolean,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (isOriginAllowed(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
