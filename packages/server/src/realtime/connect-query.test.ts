import { describe, expect, it } from 'vitest';
import { parseConnectQuery, parseEventCursor, repeatedKey } from './connect-query.js';

describe('parseConnectQuery', () => {
  it('reads the stock web UI query, where a missing key is the text "null"', () => {
    expect(
      parseConnectQuery(
        new URLSearchParams({
          latest_event_id: '-1',
          conversation_id: 'abc',
          providers_set: '',
          session_api_key: 'null',
        }),
      ),
    ).toEqual({
      conversationId: 'abc',
      latestEventId: -1,
      sessionApiKey: undefined,
      providersSet: [],
      wantsDeltas: false,
    });
  });

  it('splits providers on commas, takes the first of repeated values and reads stream=true', () => {
    expect(
      parseConnectQuery(
        new URLSearchParams(
          'conversation_id=one&conversation_id=two&providers_set=github,gitlab' +
            '&providers_set=,bitbucket&session_api_key=k&stream=true',
        ),
      ),
    ).toMatchObject({
      conversationId: 'one',
      sessionApiKey: 'k',
      providersSet: ['github', 'gitlab', 'bitbucket'],
      wantsDeltas: true,
    });
    expect(parseConnectQuery(new URLSearchParams('conversation_id=')).conversationId).toBe(
      undefined,
    );
  });

  it('marks a repeated session_api_key as repeated, whatever its copies hold', () => {
    for (const query of [
      'session_api_key=a&session_api_key=b',
      'session_api_key=a&session_api_key=a',
      'session_api_key=&session_api_key=null',
    ]) {
      expect(parseConnectQuery(new URLSearchParams(query)).sessionApiKey).toBe(repeatedKey);
    }
  });

  it('parses the cursor as Python int() does and falls back to -1', () => {
    expect(parseEventCursor(' 42 ')).toBe(42);
    expect(parseEventCursor('+7')).toBe(7);
    expect(parseEventCursor('-1')).toBe(-1);
    expect(parseEventCursor('-5')).toBe(-1);
    expect(parseEventCursor('4.5')).toBe(-1);
    expect(parseEventCursor('abc')).toBe(-1);
    expect(parseEventCursor('99999999999999999999')).toBe(-1);
    expect(parseEventCursor(undefined)).toBe(-1);
  });
});
