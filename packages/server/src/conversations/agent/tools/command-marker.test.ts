import { describe, expect, it } from 'vitest';
import { MarkerFilter, newCommandMarker, splitMarker } from './command-marker.js';

const marker = '###PARLEY-CWD-abc###';

describe('splitMarker', () => {
  it('takes the directory and removes the marker and its newline', () => {
    expect(splitMarker(`hello\n${marker}/workspace/src\n`, marker)).toEqual({
      output: 'hello\n',
      workingDirectory: '/workspace/src',
    });
    expect(splitMarker(`no newline${marker}/workspace\n`, marker)).toEqual({
      output: 'no newline',
      workingDirectory: '/workspace',
    });
  });

  it('leaves output without the marker as it is', () => {
    expect(splitMarker('exit 3 left early\n', marker)).toEqual({
      output: 'exit 3 left early\n',
      workingDirectory: undefined,
    });
  });

  it('makes a different marker for every command', () => {
    expect(newCommandMarker()).not.toBe(newCommandMarker());
  });
});

describe('MarkerFilter', () => {
  function streamed(chunks: readonly string[]): string {
    const filter = new MarkerFilter(marker);
    return chunks.map((chunk) => filter.push(chunk)).join('') + filter.end();
  }

  it('drops the marker line however the stream splits it', () => {
    const whole = `line 1\nline 2\n${marker}/workspace\n`;
    for (let cut = 0; cut <= whole.length; cut++) {
      expect(streamed([whole.slice(0, cut), whole.slice(cut)])).toBe('line 1\nline 2\n');
    }
    expect(streamed([...whole])).toBe('line 1\nline 2\n');
  });

  it('holds back only what could start the marker, and lets it go when it is not', () => {
    const filter = new MarkerFilter(marker);
    expect(filter.push('abc\n###PAR')).toBe('abc\n');
    expect(filter.push('SLEY')).toBe('###PARSLEY');
    expect(filter.push('done')).toBe('done');
    expect(filter.end()).toBe('');
  });

  it('remembers the directory the marker line named', () => {
    const filter = new MarkerFilter(marker);
    filter.push(`out\n${marker}/works`);
    expect(filter.workingDirectory).toBeUndefined();
    filter.push('pace/src\n');
    expect(filter.workingDirectory).toBe('/workspace/src');
  });

  it('passes on output printed after the marker line (a background process)', () => {
    expect(streamed([`a\n${marker}/w\nlate\n`])).toBe('a\nlate\n');
  });
});
