import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/test-logger.js';
import { SecretRegistry, urlCredentials } from './secret-registry.js';
import { SecretTextMasker, secretPlaceholder } from './secret-text-masker.js';

describe('SecretTextMasker', () => {
  it('masks every occurrence, longest value first, in one pass', () => {
    const masker = new SecretTextMasker(['abc123', 'abc123-long', 'x.y*z']);
    expect(masker.maskText('abc123-long and abc123, x.y*z')).toBe(
      `${secretPlaceholder} and ${secretPlaceholder}, ${secretPlaceholder}`,
    );
  });

  it('keeps a JSON line valid JSON, also for a secret with quotes and backslashes', () => {
    const secret = 'p"a\\ss';
    const masker = new SecretTextMasker([secret]);
    const line = `${JSON.stringify({ msg: `value ${secret}`, [secret]: 1, n: 42 })}\n`;
    const masked = masker.maskJsonLine(line);
    expect(masked.endsWith('\n')).toBe(true);
    expect(JSON.parse(masked)).toEqual({
      msg: `value ${secretPlaceholder}`,
      [secretPlaceholder]: 1,
      n: 42,
    });
    expect(masker.maskJsonLine('{"clean":true}\n')).toBe('{"clean":true}\n');
  });
});

describe('SecretRegistry', () => {
  it('ignores values under three characters, replaces an owner and forgets a deleted one', () => {
    const registry = new SecretRegistry();
    registry.set('config', ['ab', 'server-key']);
    registry.set('secret:alice:T', ['first-value'], 'alice');
    registry.set('secret:alice:T', ['second-value'], 'alice');
    const everything = (text: string) => registry.maskLogLine(JSON.stringify({ text }));
    expect(everything('ab server-key first-value second-value')).toBe(
      JSON.stringify({ text: `ab ${secretPlaceholder} first-value ${secretPlaceholder}` }),
    );
    registry.rename('secret:alice:T', 'secret:alice:U');
    registry.delete('secret:alice:U');
    expect(everything('second-value')).toBe(JSON.stringify({ text: 'second-value' }));
  });

  it("shows a user the server's secrets and their own masked, never another user's", () => {
    const registry = new SecretRegistry();
    registry.set('config', ['server-key']);
    registry.set('settings:alice', ['alice-key'], 'alice');
    registry.set('settings:bob', ['bob-key'], 'bob');
    const text = 'server-key alice-key bob-key';
    expect(registry.maskerFor('alice').maskText(text)).toBe(
      `${secretPlaceholder} ${secretPlaceholder} bob-key`,
    );
    expect(registry.maskerFor(undefined).maskText(text)).toBe(
      `${secretPlaceholder} alice-key bob-key`,
    );
    // The operator's log hides them all.
    expect(registry.maskLogLine(JSON.stringify(text))).toBe(
      JSON.stringify(`${secretPlaceholder} ${secretPlaceholder} ${secretPlaceholder}`),
    );
  });

  it('finds the secret part of URL credentials', () => {
    expect(urlCredentials('https://user:p%40ss@host/v1')).toEqual([
      'p%40ss',
      'user:p%40ss',
      'p@ss',
    ]);
    expect(urlCredentials('https://user@host')).toEqual([]);
    expect(urlCredentials('not a url')).toEqual([]);
    expect(urlCredentials(undefined)).toEqual([]);
  });
});

describe('the logger masks registered secrets in every line', () => {
  it('at every level, in messages, bindings, error messages and stacks', () => {
    const { logger, secrets, text, lines } = createCapturingLogger('trace');
    const key = 'sk-live-4f2a';
    secrets.set('settings:alice', [key], 'alice');
    const child = logger.child({ module: 'llm', note: `bound ${key}` });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      child[level]({ detail: { deep: [`nested ${key}`] } }, `message with ${key}`);
    }
    child.warn({ err: new Error(`provider said: Bearer ${key}`) }, 'LLM call failed');
    expect(text()).not.toContain(key);
    const parsed = lines();
    expect(parsed).toHaveLength(7);
    expect(parsed[0]).toMatchObject({
      msg: `message with ${secretPlaceholder}`,
      note: `bound ${secretPlaceholder}`,
      detail: { deep: [`nested ${secretPlaceholder}`] },
    });
    const failure = parsed[6] as { err: { message: string; stack: string } };
    expect(failure.err.message).toBe(`provider said: Bearer ${secretPlaceholder}`);
    expect(failure.err.stack).toContain(secretPlaceholder);
  });
});
