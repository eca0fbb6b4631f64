import type { ParsedUrlQuery } from 'node:querystring';

/** The connect query of a Socket.IO client (reference §2.2), read as upstream reads it. */
export interface ConnectQuery {
  /** Undefined when missing or empty. */
  conversationId: string | undefined;
  /** The client's cursor; missing or unparseable → -1. */
  latestEventId: number;
  /** Undefined when missing, empty, or the text `null` the stock web UI sends for "none". */
  sessionApiKey: string | undefined;
  providersSet: string[];
  /** `stream=true`: the client wants streaming deltas. */
  wantsDeltas: boolean;
}

export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Python's `int()` on a cursor: surrounding whitespace and a sign are fine; garbage → -1. */
export function parseEventCursor(text: string | undefined): number {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return -1;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) && value >= -1 ? value : -1;
}

/** A session key as given in a query: empty or `null` (the stock web UI's text) is no key. */
export function presentedKey(text: string | undefined): string | undefined {
  return text === undefined || text === '' || text === 'null' ? undefined : text;
}

export function parseConnectQuery(query: ParsedUrlQuery): ConnectQuery {
  const conversationId = firstValue(query['conversation_id']);
  const providers = query['providers_set'];
  return {
    conversationId: conversationId === '' ? undefined : conversationId,
    latestEventId: parseEventCursor(firstValue(query['latest_event_id'])),
    sessionApiKey: presentedKey(firstValue(query['session_api_key'])),
    providersSet: (Array.isArray(providers) ? providers : [providers ?? ''])
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter((value) => value !== ''),
    wantsDeltas: firstValue(query['stream']) === 'true',
  };
}
