import { describe, expect, it } from 'vitest';
import { OutputCapture } from './output-capture.js';

describe('OutputCapture', () => {
  it('keeps and streams everything up to the cap', () => {
    const streamed: string[] = [];
    const capture = new OutputCapture(11, (chunk) => streamed.push(chunk));
    capture.push('stdout', Buffer.from('hello '));
    capture.push('stderr', Buffer.from('world'));
    capture.end();
    expect(capture.truncated).toBe(false);
    expect(capture.text()).toBe('hello world');
    expect(streamed).toEqual(['hello ', 'world']);
  });

  it('past the cap keeps the head and the tail, counts what it dropped, streams one notice', () => {
    const streamed: string[] = [];
    const capture = new OutputCapture(8, (chunk) => streamed.push(chunk));
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') capture.push('stdout', Buffer.from(letter));
    capture.end();
    expect(capture.truncated).toBe(true);
    expect(capture.text()).toBe('abcd\n[... 18 bytes of output omitted ...]\nwxyz');
    expect(streamed.join('')).toBe('abcdefgh\n[output truncated: more than 8 bytes]\n');
  });

  it('holds about 1.5 times the cap whatever the output', () => {
    const capture = new OutputCapture(1000);
    const chunk = Buffer.alloc(300, 'x');
    for (let index = 0; index < 10_000; index++) capture.push('stdout', chunk);
    expect(capture.retainedBytes).toBeLessThanOrEqual(1000 + 500 + chunk.length);
    expect(capture.totalBytes).toBe(3_000_000);
    capture.push('stdout', Buffer.alloc(1_000_000, 'y'));
    expect(capture.retainedBytes).toBeLessThanOrEqual(1000 + 500);
    expect(capture.text().endsWith('y'.repeat(500))).toBe(true);
  });

  it('never splits a UTF-8 character, in the stream or at the cut', () => {
    const streamed: string[] = [];
    const capture = new OutputCapture(1000, (chunk) => streamed.push(chunk));
    const bytes = Buffer.from('é€😀');
    for (const byte of bytes) capture.push('stdout', Buffer.from([byte]));
    capture.end();
    expect(streamed.join('')).toBe('é€😀');

    const small = new OutputCapture(7);
    small.push('stdout', Buffer.from('éééééééé'));
    expect(small.text()).not.toContain('\uFFFD');
  });
});
