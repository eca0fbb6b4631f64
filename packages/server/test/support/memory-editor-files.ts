import type { EditorFiles, FileKind } from '../../src/conversations/agent/tools/file-editor.js';

/** `EditorFiles` over a map of absolute paths to text; directories are implied by the paths. */
export class MemoryEditorFiles implements EditorFiles {
  readonly files = new Map<string, string>();
  readonly writes: string[] = [];

  constructor(initial: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(initial)) this.files.set(path, text);
  }

  kind(path: string): Promise<FileKind> {
    if (this.files.has(path)) return Promise.resolve('file');
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const isDirectory = [...this.files.keys()].some((file) => file.startsWith(prefix));
    return Promise.resolve(isDirectory ? 'directory' : 'missing');
  }

  read(path: string): Promise<string> {
    const text = this.files.get(path);
    if (text === undefined) return Promise.reject(new Error(`no file ${path}`));
    return Promise.resolve(text);
  }

  write(path: string, text: string): Promise<void> {
    this.files.set(path, text);
    this.writes.push(path);
    return Promise.resolve();
  }

  tree(path: string): Promise<string[]> {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const entries = new Set<string>([prefix]);
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const parts = file.slice(prefix.length).split('/');
      if (parts.some((part) => part.startsWith('.'))) continue;
      if (parts.length > 1) entries.add(`${prefix}${parts[0]}/`);
      if (parts.length > 2) entries.add(`${prefix}${parts[0]}/${parts[1]}/`);
      if (parts.length <= 2) entries.add(file);
    }
    return Promise.resolve([...entries].sort());
  }
}
