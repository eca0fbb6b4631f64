import { describe, expect, it } from 'vitest';
import { SecretMasker, secretPlaceholder } from './secret-masker.js';

describe('SecretMasker', () => {
  it('replaces a secret in args.command', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ token: 'sk-ABC123' });
    const event = {
      id: 1,
      action: 'run',
      args: { command: 'curl -H "Authorization: sk-ABC123" x' },
    };
    expect(masker.mask(event).args.command).toBe(`curl -H "Authorization: ${secretPlaceholder}" x`);
  });

  it('leaves top-level identity fields untouched', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ a: 'run', b: 'agent', c: '2025', d: '7' });
    const event = {
      id: 7,
      timestamp: '2025-01-01T00:00:00Z',
      source: 'agent',
      cause: 7,
      action: 'run',
      observation: 'run',
    };
    expect(masker.mask(event)).toEqual(event);
  });

  it('masks nested objects, nested timestamp keys, arrays and arrays of objects', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ key: 'hunter2' });
    const event = {
      id: 3,
      message: 'password is hunter2',
      extras: {
        timestamp: 'hunter2',
        deep: { list: ['a hunter2 b', 42, null, { inner: 'hunter2hunter2' }], flag: true },
      },
    };
    expect(masker.mask(event)).toEqual({
      id: 3,
      message: `password is ${secretPlaceholder}`,
      extras: {
        timestamp: secretPlaceholder,
        deep: {
          list: [
            `a ${secretPlaceholder} b`,
            42,
            null,
            { inner: `${secretPlaceholder}${secretPlaceholder}` },
          ],
          flag: true,
        },
      },
    });
  });

  it('never mutates its input and returns the same object when there are no secrets', () => {
    const masker = new SecretMasker();
    const event = { id: 1, args: { content: 'plain' } };
    expect(masker.mask(event)).toBe(event);
    masker.setSecrets({ key: 'plain' });
    const masked = masker.mask(event);
    expect(masked).not.toBe(event);
    expect(event.args.content).toBe('plain');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ short: 'abc', long: 'abcdef' });
    expect(masker.maskText('x abcdef y abc')).toBe(`x ${secretPlaceholder} y ${secretPlaceholder}`);
  });

  it('set replaces, update merges, empty values are ignored', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ first: 'one', empty: '' });
    masker.updateSecrets({ second: 'two' });
    expect(masker.maskText('one two three')).toBe(
      `${secretPlaceholder} ${secretPlaceholder} three`,
    );
    masker.setSecrets({ third: 'three' });
    expect(masker.maskText('one two three')).toBe(`one two ${secretPlaceholder}`);
    masker.setSecrets({});
    expect(masker.hasSecrets).toBe(false);
  });

  it('never rewrites its own placeholder, and treats regex characters literally', () => {
    const masker = new SecretMasker();
    masker.setSecrets({ one: 'secret', two: 'hidden', three: 'a.b*c' });
    expect(masker.maskText('my secret is hidden; axbxc a.b*c')).toBe(
      `my ${secretPlaceholder} is ${secretPlaceholder}; axbxc ${secretPlaceholder}`,
    );
  });
});
