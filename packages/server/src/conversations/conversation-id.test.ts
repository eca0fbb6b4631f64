import { describe, expect, it } from 'vitest';
import { ParleyError } from '../shared/errors.js';
import {
  maximumConversationIdLength,
  newConversationId,
  validateConversationId,
} from './conversation-id.js';

function rejection(id: string): { code: string; message: string } | undefined {
  try {
    validateConversationId(id);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    const { code, message } = error as ParleyError;
    return { code, message };
  }
}

/** Upstream's `validate_conversation_id` cases (`test_conversation_id_validation.py`). */
describe('validateConversationId', () => {
  it.each([
    '0123456789abcdef0123456789abcdef',
    'abc',
    '550e8400-e29b-41d4-a716-446655440000',
    '',
    'with spaces inside',
    'a.b_c-d',
    'a'.repeat(maximumConversationIdLength),
    'ünïcødé-😀',
  ])('accepts %j and returns it unchanged', (id) => {
    expect(validateConversationId(id)).toBe(id);
  });

  it.each([
    ['a'.repeat(101), 'Conversation ID is too long'],
    ['b'.repeat(1000), 'Conversation ID is too long'],
    ['abc\0def', 'Conversation ID contains invalid characters'],
    ['lone \uD800 surrogate', 'Conversation ID contains invalid characters'],
    ['..', 'Conversation ID contains invalid path characters'],
    ['../etc/passwd', 'Conversation ID contains invalid path characters'],
    ['a..b', 'Conversation ID contains invalid path characters'],
    ['a/b', 'Conversation ID contains invalid path characters'],
    ['a\\b', 'Conversation ID contains invalid path characters'],
    ['a\nb', 'Conversation ID contains control characters'],
    ['a\tb', 'Conversation ID contains control characters'],
    ['a\rb', 'Conversation ID contains control characters'],
    ['a\x01b', 'Conversation ID contains control characters'],
    ['a\x1fb', 'Conversation ID contains control characters'],
  ])('refuses %j: %s', (id, message) => {
    expect(rejection(id)).toEqual({ code: 'CONVERSATION_ID_INVALID', message });
  });

  it('checks the length first, then NUL, then path characters, as upstream', () => {
    expect(rejection(`${'/'.repeat(101)}`)?.message).toBe('Conversation ID is too long');
    expect(rejection('../\0')?.message).toBe('Conversation ID contains invalid characters');
    expect(rejection('a/\n')?.message).toBe('Conversation ID contains invalid path characters');
  });

  it('allows DEL (0x7f) and space, which are not below 0x20', () => {
    expect(validateConversationId('a\x7fb c')).toBe('a\x7fb c');
  });
});

describe('newConversationId', () => {
  it('is 32 lowercase hex digits (a UUID4 without dashes), different every time', () => {
    const ids = Array.from({ length: 50 }, () => newConversationId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
      expect(validateConversationId(id)).toBe(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
