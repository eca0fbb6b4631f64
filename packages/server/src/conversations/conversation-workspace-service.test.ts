import { describe, expect, it } from 'vitest';
import { fileNameRefusal } from './conversation-workspace-service.js';

describe('upload file names', () => {
  it('accepts plain names, dots inside included', () => {
    for (const name of ['a.txt', '.env', 'archive.tar.gz', 'with space', 'ünïcode.md']) {
      expect(fileNameRefusal(name), name).toBeUndefined();
    }
  });

  it('refuses empty names, paths, .. and NUL', () => {
    for (const name of ['', '.', '..', '../x', 'a/b', '/etc/passwd', 'a\\b', 'x..y', 'a\0b']) {
      expect(fileNameRefusal(name), name).toBeDefined();
    }
  });
});
