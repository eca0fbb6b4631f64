import { describe, expect, it } from 'vitest';
import { MemoryEditorFiles } from '../../../../test/support/memory-editor-files.js';
import { FileEditor, type EditorArguments, type EditorOutcome } from './file-editor.js';

const signal = new AbortController().signal;

function setUp(initial: Record<string, string> = {}) {
  const files = new MemoryEditorFiles(initial);
  const editor = new FileEditor(files);
  return { files, run: (args: EditorArguments) => editor.apply(args, signal) };
}

function errorText(outcome: EditorOutcome): string {
  if (outcome.kind !== 'error') throw new Error(`expected an error, got ${outcome.kind}`);
  return outcome.message;
}

describe('FileEditor', () => {
  it('creates a file, and refuses to create it again', async () => {
    const { files, run } = setUp();
    const outcome = await run({ command: 'create', path: '/workspace/a.txt', file_text: 'one\n' });
    expect(outcome).toMatchObject({
      kind: 'edit',
      content: 'File created successfully at: /workspace/a.txt',
      prevExist: false,
      oldContent: null,
      newContent: 'one\n',
    });
    expect(outcome.kind === 'edit' && outcome.diff).toContain('+one');
    expect(files.files.get('/workspace/a.txt')).toBe('one\n');
    expect(
      errorText(await run({ command: 'create', path: '/workspace/a.txt', file_text: 'x' })),
    ).toBe(
      'Invalid `path` parameter: /workspace/a.txt. File already exists at: /workspace/a.txt. Cannot overwrite files using command `create`.',
    );
    expect(files.files.get('/workspace/a.txt')).toBe('one\n');
  });

  it('replaces a unique match and shows a numbered snippet and a diff', async () => {
    const { files, run } = setUp({ '/workspace/a.py': 'def f():\n    return 1\n' });
    const outcome = await run({
      command: 'str_replace',
      path: '/workspace/a.py',
      old_str: 'return 1',
      new_str: 'return 2',
    });
    expect(files.files.get('/workspace/a.py')).toBe('def f():\n    return 2\n');
    if (outcome.kind !== 'edit') throw new Error(outcome.kind);
    expect(outcome.content).toContain("Here's the result of running `cat -n` on a snippet");
    expect(outcome.content).toContain('     2\t    return 2');
    expect(outcome.diff).toContain('-    return 1');
    expect(outcome.diff).toContain('+    return 2');
  });

  it("gives upstream's errors for a missing or an ambiguous match, and changes nothing", async () => {
    const { files, run } = setUp({ '/workspace/a.txt': 'x = 1\ny = 2\nx = 1\n' });
    expect(
      errorText(
        await run({ command: 'str_replace', path: '/workspace/a.txt', old_str: 'z', new_str: 'w' }),
      ),
    ).toBe(
      'No replacement was performed, old_str `z` did not appear verbatim in /workspace/a.txt.',
    );
    expect(
      errorText(
        await run({
          command: 'str_replace',
          path: '/workspace/a.txt',
          old_str: 'x = 1',
          new_str: 'x = 3',
        }),
      ),
    ).toBe(
      'No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1,3]. Please ensure it is unique.',
    );
    expect(files.writes).toEqual([]);
  });

  it('inserts after a line, checks the line number, and undoes edits in order', async () => {
    const { files, run } = setUp({ '/workspace/a.txt': 'a\nb' });
    expect(
      errorText(
        await run({ command: 'insert', path: '/workspace/a.txt', insert_line: 5, new_str: 'x' }),
      ),
    ).toBe(
      'Invalid `insert_line` parameter: 5. It should be within the range of lines of the file: [0, 2]',
    );
    await run({ command: 'insert', path: '/workspace/a.txt', insert_line: 1, new_str: 'middle' });
    expect(files.files.get('/workspace/a.txt')).toBe('a\nmiddle\nb');
    await run({ command: 'str_replace', path: '/workspace/a.txt', old_str: 'b', new_str: 'c' });
    expect(errorText(await run({ command: 'undo_edit', path: '/workspace/b.txt' }))).toContain(
      'does not exist',
    );
    expect(files.files.get('/workspace/a.txt')).toBe('a\nmiddle\nc');
    await run({ command: 'undo_edit', path: '/workspace/a.txt' });
    expect(files.files.get('/workspace/a.txt')).toBe('a\nmiddle\nb');
    await run({ command: 'undo_edit', path: '/workspace/a.txt' });
    expect(files.files.get('/workspace/a.txt')).toBe('a\nb');
    expect(errorText(await run({ command: 'undo_edit', path: '/workspace/a.txt' }))).toBe(
      'No edit history found for /workspace/a.txt.',
    );
  });

  it('views a file with line numbers, a range, and a directory two levels deep', async () => {
    const { run } = setUp({
      '/workspace/a.txt': 'one\ntwo\nthree',
      '/workspace/src/b.ts': 'x',
      '/workspace/src/deep/c.ts': 'y',
      '/workspace/.git/config': 'z',
    });
    expect(await run({ command: 'view', path: '/workspace/a.txt', view_range: [2, -1] })).toEqual({
      kind: 'read',
      path: '/workspace/a.txt',
      content:
        "Here's the result of running `cat -n` on /workspace/a.txt:\n     2\ttwo\n     3\tthree\n",
    });
    const listing = await run({ command: 'view', path: '/workspace' });
    if (listing.kind !== 'read') throw new Error(listing.kind);
    expect(listing.content).toContain('/workspace/src/b.ts');
    expect(listing.content).toContain('/workspace/src/deep/');
    expect(listing.content).not.toContain('c.ts');
    expect(listing.content).not.toContain('.git');
  });

  it('refuses relative paths, unknown commands, edits of directories and missing files', async () => {
    const { run } = setUp({ '/workspace/src/a.ts': '' });
    expect(errorText(await run({ command: 'view', path: 'a.txt' }))).toBe(
      'Invalid `path` parameter: a.txt. The path should be an absolute path, starting with `/`.',
    );
    expect(errorText(await run({ command: 'delete', path: '/workspace/a' }))).toContain(
      'Unrecognized command delete',
    );
    expect(
      errorText(
        await run({ command: 'insert', path: '/workspace/src', insert_line: 0, new_str: '' }),
      ),
    ).toContain('is a directory and only the `view` command can be used on directories');
    expect(errorText(await run({ command: 'view', path: '/workspace/none' }))).toBe(
      'Invalid `path` parameter: /workspace/none. The path /workspace/none does not exist. Please provide a valid path.',
    );
  });
});
