import { describe, expect, it } from 'vitest';
import { validateWorkspaceId } from '../runtime/local-workspaces.js';
import { workspaceIdFor } from './conversation-workspace.js';

describe('workspaceIdFor', () => {
  it('maps any conversation id to a valid workspace id', () => {
    for (const id of ['abc', 'with space', '../../etc', 'ü'.repeat(100), '.']) {
      expect(() => validateWorkspaceId(workspaceIdFor(id))).not.toThrow();
    }
  });

  it('gives different conversations different workspaces and one conversation the same one', () => {
    expect(workspaceIdFor('a')).not.toBe(workspaceIdFor('A'));
    expect(workspaceIdFor('a b')).not.toBe(workspaceIdFor('a_b'));
    expect(workspaceIdFor('same')).toBe(workspaceIdFor('same'));
    expect(workspaceIdFor('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
