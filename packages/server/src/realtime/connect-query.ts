/** The connect query of a Socket.IO client (reference §2.2), read as upstream reads it. */
export interface ConnectQuery {
  /** Undefined when missing or empty. */
  conversationId: string | undefined;
  /** The client's cursor; missing or unparseable → -1. */
  latestEventId: number;
  /** Undefined when missing, empty, or the text `null` the stock web UI sends for "none". */
  sessionApiKey: PresentedKey;
  providersSet: string[];
  /** `stream=true`: the client wants streaming deltas. */
  wantsDeltas: boolean;
}

/**
 * A session key given more than once in one query. Which copy counts is a guess (Socket.IO's
 * engine keeps the last, `URLSearchParams.get` the first), so neither does: it is refused like a
 * wrong key on both faces.
 */
export const repeatedKey: unique symbol = Symbol('repeated session_api_key');

/** The key a client presented: one value, none (undefined), or several (refused). */
export type PresentedKey = string | undefined | typeof repeatedKey;

/** Python's `int()` on a cursor: surrounding whitespace and a sign are fine; garbage → -1. */
export function parseEventCursor(text: string | undefined): number {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return -1;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) && value >= -1 ? value : -1;
}

/**
 * The session key of a query: empty or `null` (the stock web UI's text) is no key; a key given
 * more than once is `repeatedKey`.
 */
export function presentedKey(query: URLSearchParams): PresentedKey {
  const values = query.getAll('session_api_key');
  if (values.length > 1) return repeatedKey;
  const text = values[0];
  return text === undefined || text === '' || text === 'null' ? undefined : text;
}

/** Reads a Socket.IO handshake's query (the first of repeated values, as upstream's `parse_qs`). */
export function parseConnectQuery(query: URLSearchParams): ConnectQuery {
  const conversationId = query.get('conversation_id') ?? undefined;
  return {
    conversationId: conversationId === '' ? undefined : conversationId,
    latestEventId: parseEventCursor(query.get('latest_event_id') ?? undefined),
    sessionApiKey: presentedKey(query),
    providersSet: query
      .getAll('providers_set')
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value !== ''),
    wantsDeltas: query.get('stream') === 'true',
  };
}
