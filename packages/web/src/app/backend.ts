// The one REST client the pages share (the data layer's `createApiClient`), the session API key
// this browser keeps (for servers started with SESSION_API_KEY), and how errors read in a banner.
import { ApiError, createApiClient, createAuthClient } from '../api';

const sessionKeyStorageKey = 'parley.sessionApiKey';

export function readSessionApiKey(): string | null {
  try {
    return window.localStorage.getItem(sessionKeyStorageKey) || null;
  } catch {
    return null;
  }
}

/** Stores (or, with null, forgets) the key and reloads so every client picks it up. */
export function writeSessionApiKey(key: string | null): void {
  try {
    if (key === null || key === '') window.localStorage.removeItem(sessionKeyStorageKey);
    else window.localStorage.setItem(sessionKeyStorageKey, key);
  } catch {
    // Storage refused (private mode): the key lasts until the reload only.
  }
}

/**
 * The stock OpenHands web UI's switch to its V1 conversation API, honoured here too: with
 * `localStorage.FEATURE_USE_V1_CONVERSATION_API = "true"`, new conversations start through
 * `POST /api/v1/app-conversations` and Stop pauses the agent (`POST …/pause`).
 */
export function usesV1ConversationApi(): boolean {
  try {
    return window.localStorage.getItem('FEATURE_USE_V1_CONVERSATION_API') === 'true';
  } catch {
    return false;
  }
}

export const api = createApiClient({ sessionApiKey: readSessionApiKey() });

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 && error.code === 'AUTH_REQUIRED') {
      return 'You are signed out (the session ended): reload the page to sign in again';
    }
    if (error.status === 401) {
      return 'This server needs a session API key: enter it under Settings › This browser';
    }
    return error.message;
  }
  if (error instanceof TypeError) return 'The server cannot be reached';
  return error instanceof Error ? error.message : String(error);
}

/** Sign-in, the signed-in user and personal API tokens (the session is an HTTP-only cookie). */
export const auth = createAuthClient();
