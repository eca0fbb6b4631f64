import { describe, expect, it } from 'vitest';
import {
  isoForParsing,
  v1EventCountQuerySchema,
  v1EventSearchQuerySchema,
  v1TimestampQuerySchema,
} from './v1-event-queries.js';

describe('V1 event query strings', () => {
  it('defaults the search to oldest first, 100 per page', () => {
    expect(v1EventSearchQuerySchema.parse({ conversation_id__eq: 'abc' })).toEqual({
      conversation_id__eq: 'abc',
      sort_order: 'TIMESTAMP',
      limit: 100,
    });
  });

  it('needs a conversation id', () => {
    expect(v1EventCountQuerySchema.safeParse({ kind__eq: 'MessageEvent' }).success).toBe(false);
  });

  it.each(['0', '101', '2.5', 'x'])('refuses limit %s', (limit) => {
    expect(v1EventSearchQuerySchema.safeParse({ conversation_id__eq: 'a', limit }).success).toBe(
      false,
    );
  });

  it.each(['-1', '1e3', 'abc', '1234567890123456'])('refuses page_id %s', (pageId) => {
    const query = { conversation_id__eq: 'a', page_id: pageId };
    expect(v1EventSearchQuerySchema.safeParse(query).success).toBe(false);
  });

  it.each([
    '2025-01-02',
    '2025-01-02T03:04',
    '2025-01-02T03:04:05',
    '2025-01-02 03:04:05.123456',
    '2025-01-02T03:04:05.1Z',
    '2025-01-02t03:04:05z',
    '2025-01-02T03:04:05+02:00',
    '2025-01-02T03:04:05-0130',
  ])('accepts the timestamp %s', (value) => {
    expect(v1TimestampQuerySchema.safeParse(value).success).toBe(true);
  });

  it.each(['', 'today', '2025-1-2', '2025-13-02T00:00:00', '2025-01-02+02:00', '12:00'])(
    'refuses the timestamp %j',
    (value) => {
      expect(v1TimestampQuerySchema.safeParse(value).success).toBe(false);
    },
  );

  it('reads a timestamp without an offset as UTC', () => {
    expect(isoForParsing('2025-01-02')).toBe('2025-01-02T00:00:00Z');
    expect(isoForParsing('2025-01-02 03:04:05.5')).toBe('2025-01-02T03:04:05.5Z');
    expect(isoForParsing('2025-01-02T03:04:05+02:00')).toBe('2025-01-02T03:04:05+02:00');
    expect(new Date(isoForParsing('2025-01-02t03:04:05')).toISOString()).toBe(
      '2025-01-02T03:04:05.000Z',
    );
  });
});
