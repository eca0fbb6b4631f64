/**
 * The `str_replace_editor` commands (upstream's OpenHands ACI editor) over files reached through
 * `EditorFiles`: view, create, str_replace, insert and undo_edit, with upstream's texts for the
 * model, including its errors for a missing or ambiguous match. Knows nothing of events.
 */
import { createTwoFilesPatch } from 'diff';
import { lineOf, numberLines, occurrenceLines, snippetAround, viewRange } from './editor-view.js';

export type FileKind = 'file' | 'directory' | 'missing';

/** Where the editor's files live (the sandbox, for the agent); paths are absolute. */
export interface EditorFiles {
  kind(path: string, signal: AbortSignal): Promise<FileKind>;
  read(path: string, signal: AbortSignal): Promise<string>;
  write(path: string, text: string, signal: AbortSignal): Promise<void>;
  /** Entries up to two levels below `path`, hidden ones left out; directories end with `/`. */
  tree(path: string, signal: AbortSignal): Promise<string[]>;
}

export const editorCommands = ['view', 'create', 'str_replace', 'insert', 'undo_edit'] as const;

export interface EditorArguments {
  readonly command: string;
  readonly path: string;
  readonly file_text?: string | undefined;
  readonly old_str?: string | undefined;
  readonly new_str?: string | undefined;
  readonly insert_line?: number | undefined;
  readonly view_range?: readonly number[] | undefined;
}

export type EditorOutcome =
  | { readonly kind: 'read'; readonly path: string; readonly content: string }
  | {
      readonly kind: 'edit';
      readonly path: string;
      readonly content: string;
      readonly prevExist: boolean;
      readonly oldContent: string | null;
      readonly newContent: string;
      readonly diff: string;
    }
  | { readonly kind: 'error'; readonly message: string };

/** Undo steps kept per file. */
const undoDepth = 10;

export class FileEditor {
  readonly #files: EditorFiles;
  readonly #history = new Map<string, string[]>();

  constructor(files: EditorFiles) {
    this.#files = files;
  }

  async apply(args: EditorArguments, signal: AbortSignal): Promise<EditorOutcome> {
    const { command, path } = args;
    if (!(editorCommands as readonly string[]).includes(command)) {
      return failure(
        `Unrecognized command ${command}. The allowed commands for the str_replace_editor tool are: ${editorCommands.join(', ')}`,
      );
    }
    if (!path.startsWith('/')) {
      return failure(
        `Invalid \`path\` parameter: ${path}. The path should be an absolute path, starting with \`/\`.`,
      );
    }
    const kind = await this.#files.kind(path, signal);
    if (command === 'create') return this.#create(args, kind, signal);
    if (kind === 'missing') {
      return failure(
        `Invalid \`path\` parameter: ${path}. The path ${path} does not exist. Please provide a valid path.`,
      );
    }
    if (kind === 'directory') {
      if (command === 'view') return this.#viewDirectory(path, signal);
      return failure(
        `Invalid \`path\` parameter: ${path}. The path ${path} is a directory and only the \`view\` command can be used on directories.`,
      );
    }
    const text = await this.#files.read(path, signal);
    switch (command) {
      case 'view':
        return viewFile(path, text, args.view_range);
      case 'str_replace':
        return this.#replace(args, text, signal);
      case 'insert':
        return this.#insert(args, text, signal);
      default:
        return this.#undo(path, text, signal);
    }
  }

  async #create(args: EditorArguments, kind: FileKind, signal: AbortSignal) {
    const { path } = args;
    if (kind !== 'missing') {
      return failure(
        `Invalid \`path\` parameter: ${path}. File already exists at: ${path}. Cannot overwrite files using command \`create\`.`,
      );
    }
    if (args.file_text === undefined) {
      return failure('Parameter `file_text` is required for command: create.');
    }
    await this.#files.write(path, args.file_text, signal);
    this.#remember(path, '');
    return edited(path, `File created successfully at: ${path}`, null, args.file_text);
  }

  async #replace(args: EditorArguments, text: string, signal: AbortSignal) {
    const { path, old_str: oldText } = args;
    const newText = args.new_str ?? '';
    if (oldText === undefined) {
      return failure('Parameter `old_str` is required for command: str_replace.');
    }
    if (oldText === newText) {
      return failure('No replacement was performed. `new_str` and `old_str` must be different.');
    }
    const lines = oldText === '' ? [] : occurrenceLines(text, oldText);
    if (lines.length === 0) {
      return failure(
        `No replacement was performed, old_str \`${oldText}\` did not appear verbatim in ${path}.`,
      );
    }
    if (lines.length > 1) {
      return failure(
        `No replacement was performed. Multiple occurrences of old_str \`${oldText}\` in lines ${JSON.stringify(lines)}. Please ensure it is unique.`,
      );
    }
    const at = text.indexOf(oldText);
    const updated = text.slice(0, at) + newText + text.slice(at + oldText.length);
    await this.#files.write(path, updated, signal);
    this.#remember(path, text);
    const firstLine = lineOf(text, at);
    const lastLine = firstLine + newText.split('\n').length - 1;
    return edited(
      path,
      `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of ${path}:\n` +
        `${snippetAround(updated, firstLine, lastLine)}\n` +
        'Review the changes and make sure they are as expected. Edit the file again if necessary.',
      text,
      updated,
    );
  }

  async #insert(args: EditorArguments, text: string, signal: AbortSignal) {
    const { path, insert_line: line } = args;
    if (line === undefined)
      return failure('Parameter `insert_line` is required for command: insert.');
    if (args.new_str === undefined) {
      return failure('Parameter `new_str` is required for command: insert.');
    }
    const lines = text.split('\n');
    if (!Number.isInteger(line) || line < 0 || line > lines.length) {
      return failure(
        `Invalid \`insert_line\` parameter: ${line}. It should be within the range of lines of the file: [0, ${lines.length}]`,
      );
    }
    const inserted = args.new_str.split('\n');
    const updated = [...lines.slice(0, line), ...inserted, ...lines.slice(line)].join('\n');
    await this.#files.write(path, updated, signal);
    this.#remember(path, text);
    return edited(
      path,
      `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of the edited file:\n` +
        `${snippetAround(updated, line + 1, line + inserted.length)}\n` +
        'Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary.',
      text,
      updated,
    );
  }

  async #undo(path: string, text: string, signal: AbortSignal) {
    const previous = this.#history.get(path)?.pop();
    if (previous === undefined) return failure(`No edit history found for ${path}.`);
    await this.#files.write(path, previous, signal);
    return edited(
      path,
      `Last edit to ${path} undone successfully. Here's the result of running \`cat -n\` on ${path}:\n${numberLines(previous)}\n`,
      text,
      previous,
    );
  }

  async #viewDirectory(path: string, signal: AbortSignal): Promise<EditorOutcome> {
    const entries = await this.#files.tree(path, signal);
    return {
      kind: 'read',
      path,
      content: `Here's the files and directories up to 2 levels deep in ${path}, excluding hidden items:\n${entries.join('\n')}\n`,
    };
  }

  #remember(path: string, before: string): void {
    const steps = this.#history.get(path) ?? [];
    steps.push(before);
    if (steps.length > undoDepth) steps.shift();
    this.#history.set(path, steps);
  }
}

function viewFile(path: string, text: string, range: readonly number[] | undefined): EditorOutcome {
  if (range === undefined) {
    return {
      kind: 'read',
      path,
      content: `Here's the result of running \`cat -n\` on ${path}:\n${numberLines(text)}\n`,
    };
  }
  const part = viewRange(text, range);
  if (typeof part === 'string') return failure(part);
  return {
    kind: 'read',
    path,
    content: `Here's the result of running \`cat -n\` on ${path}:\n${numberLines(part.lines, part.firstLine)}\n`,
  };
}

function edited(
  path: string,
  content: string,
  oldContent: string | null,
  newContent: string,
): EditorOutcome {
  return {
    kind: 'edit',
    path,
    content,
    prevExist: oldContent !== null,
    oldContent,
    newContent,
    diff: createTwoFilesPatch(path, path, oldContent ?? '', newContent, undefined, undefined, {
      context: 3,
    }),
  };
}

function failure(message: string): EditorOutcome {
  return { kind: 'error', message };
}
