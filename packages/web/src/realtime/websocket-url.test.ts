/** @vitest-environment jsdom */
// Upstream's build-websocket-url.test.ts cases, and query building.
import { describe, expect, it } from 'vitest';
import { buildWebSocketUrl, withQuery } from './websocket-url';

const page = { protocol: 'http:', host: 'localhost:3000' };

describe('buildWebSocketUrl', () => {
  it('uses ws: or wss: by the page protocol', () => {
    expect(buildWebSocketUrl('c1', null, page)).toBe('ws://localhost:3000/sockets/events/c1');
    expect(buildWebSocketUrl('c1', null, { protocol: 'https:', host: 'parley.test' })).toBe(
      'wss://parley.test/sockets/events/c1',
    );
  });

  it('takes host and port from an absolute conversation url', () => {
    expect(buildWebSocketUrl('c1', 'http://agent.test:8011/api/conversations/c1', page)).toBe(
      'ws://agent.test:8011/sockets/events/c1',
    );
  });

  it.each([null, undefined, '/api/conversations/c1', 'not a url', 'http://'])(
    'falls back to the page host for %s',
    (conversationUrl) => {
      expect(buildWebSocketUrl('c1', conversationUrl, page)).toBe(
        'ws://localhost:3000/sockets/events/c1',
      );
    },
  );

  it('returns null without an id and puts no query in the URL', () => {
    expect(buildWebSocketUrl(undefined, null, page)).toBeNull();
    expect(buildWebSocketUrl('', null, page)).toBeNull();
    expect(buildWebSocketUrl('c1', 'http://h:1/x?y=1', page)).not.toContain('?');
  });

  it('reads window.location by default', () => {
    expect(buildWebSocketUrl('c1', null)).toBe(`ws://${window.location.host}/sockets/events/c1`);
  });
});

describe('withQuery', () => {
  it('appends parameters, leaving out null and undefined', () => {
    expect(withQuery('ws://h/s', { a: 'x y', b: true, c: null, d: undefined, e: 3 })).toBe(
      'ws://h/s?a=x+y&b=true&e=3',
    );
    expect(withQuery('ws://h/s?k=1', { a: false })).toBe('ws://h/s?k=1&a=false');
    expect(withQuery('ws://h/s', {})).toBe('ws://h/s');
  });
});
