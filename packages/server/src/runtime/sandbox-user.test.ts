import { describe, expect, it } from 'vitest';
import { resolveSandboxUser } from './sandbox-user.js';

describe('resolveSandboxUser', () => {
  it('drops root to 65534 by default, or to the user asked for', () => {
    expect(resolveSandboxUser(undefined, 0)).toEqual({ uid: 65534, gid: 65534 });
    expect(resolveSandboxUser({ uid: 2000, gid: 3000 }, 0)).toEqual({ uid: 2000, gid: 3000 });
  });

  it('runs as the current user when that is not root', () => {
    expect(resolveSandboxUser(undefined, 1000)).toBeUndefined();
  });

  it('refuses root or malformed ids as the sandbox user', () => {
    for (const user of [
      { uid: 0, gid: 65534 },
      { uid: 65534, gid: 0 },
      { uid: -1, gid: 1 },
      { uid: 1.5, gid: 1 },
    ]) {
      expect(() => resolveSandboxUser(user, 0)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});
