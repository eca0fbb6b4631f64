/** Which files exist under a directory, to tell afterwards what a run created (R6). */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file and directory under `root`, as paths relative to it. */
export function listTree(root: string): Set<string> {
  const found = new Set<string>();
  const walk = (directory: string): void => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      found.add(relative(root, path));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

/** Entries of `after` that `before` lacks. */
export function created(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...after].filter((path) => !before.has(path));
}

/** Names directly in `directory` that contain `marker`. */
export function namesWith(directory: string, marker: string): string[] {
  try {
    return readdirSync(directory).filter((name) => name.includes(marker));
  } catch {
    return [];
  }
}
