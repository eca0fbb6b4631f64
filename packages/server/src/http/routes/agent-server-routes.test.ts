import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../shared/errors.js';
import { workspacePath } from './agent-server-routes.js';

describe('workspacePath', () => {
  it.each([
    ['/workspace/project', ''],
    ['/workspace/project/notes.txt', 'notes.txt'],
    ['/workspace/project/src/app.ts', 'src/app.ts'],
    ['/workspace', ''],
    ['/workspace/notes.txt', 'notes.txt'],
    ['workspace/project/a', 'a'],
  ])('reads %j as the workspace path %j', (path, expected) => {
    expect(workspacePath(path)).toBe(expected);
  });

  it.each(['/etc/passwd', '/workspaces/x', '/workspace-project', '/'])(
    'refuses %j, outside the workspace, with REQUEST_INVALID',
    (path) => {
      let caught: unknown;
      try {
        workspacePath(path);
      } catch (error) {
        caught = error;
      }
      expect(isParleyError(caught) && caught.code).toBe('REQUEST_INVALID');
    },
  );
});
