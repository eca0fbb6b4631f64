import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allowTraversal } from './local-workspaces.js';

describe('allowTraversal', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-traversal-'));
  afterEach(() => rmSync(join(root, 'data'), { recursive: true, force: true }));

  it('makes a private directory passable but not listable, and leaves its files alone', async () => {
    const data = join(root, 'data');
    mkdirSync(data, { mode: 0o700 });
    writeFileSync(join(data, 'secret'), 'x', { mode: 0o600 });
    await allowTraversal(data);
    expect(statSync(data).mode & 0o777).toBe(0o711);
    expect(statSync(join(data, 'secret')).mode & 0o777).toBe(0o600);
  });

  it('creates a missing directory passable', async () => {
    const data = join(root, 'data', 'nested');
    await allowTraversal(data);
    expect(statSync(data).mode & 0o777).toBe(0o711);
  });
});
