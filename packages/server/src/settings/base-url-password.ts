import { secretPlaceholder } from '../shared/secret-text-masker.js';

/**
 * A base URL may carry credentials (`https://user:password@gateway/v1`). Its password is a secret:
 * settings answer it as `<secret_hidden>`, and a client that sends that placeholder back (the
 * stock settings form posts every field it read) keeps the stored password instead of replacing it.
 */
export function hideBaseUrlPassword(baseUrl: string): string {
  const url = parseUrl(baseUrl);
  if (url === undefined || url.password === '') return baseUrl;
  url.password = secretPlaceholder;
  return url.href;
}

/** `incoming`, with the stored password put back when it carries the placeholder in its place. */
export function keepHiddenBaseUrlPassword(incoming: string, stored: string | undefined): string {
  const url = parseUrl(incoming);
  if (url === undefined || decodeURIComponent(url.password) !== secretPlaceholder) return incoming;
  const previous = stored === undefined ? undefined : parseUrl(stored);
  url.password = previous?.password ?? '';
  return url.href;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
