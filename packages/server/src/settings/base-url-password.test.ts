import { describe, expect, it } from 'vitest';
import { hideBaseUrlPassword, keepHiddenBaseUrlPassword } from './base-url-password.js';

describe('base URL passwords', () => {
  it('hides a password and leaves URLs without one, or unparsable text, as they are', () => {
    expect(hideBaseUrlPassword('http://user:pw@host:8080/v1')).toBe(
      'http://user:%3Csecret_hidden%3E@host:8080/v1',
    );
    expect(hideBaseUrlPassword('http://user@host/v1')).toBe('http://user@host/v1');
    expect(hideBaseUrlPassword('not a url')).toBe('not a url');
  });

  it('puts the stored password back only in place of the placeholder', () => {
    const stored = 'http://user:pw@host/v1';
    expect(keepHiddenBaseUrlPassword(hideBaseUrlPassword(stored), stored)).toBe(stored);
    expect(keepHiddenBaseUrlPassword('http://user:<secret_hidden>@host/v2', stored)).toBe(
      'http://user:pw@host/v2',
    );
    expect(keepHiddenBaseUrlPassword('http://user:new@host/v1', stored)).toBe(
      'http://user:new@host/v1',
    );
    // Nothing stored to put back: the placeholder is not kept as a password.
    expect(keepHiddenBaseUrlPassword('http://user:<secret_hidden>@host/v1', undefined)).toBe(
      'http://user@host/v1',
    );
  });
});
