import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

/**
 * No import cycle in any package's source, type-only imports included. eslint's `import/no-cycle`
 * skips `import type`, so a cycle of types (`llm/language-model.ts` ↔ `llm/metrics.ts`, issue 17)
 * passed `npm run check`; this walks every relative import and re-export as TypeScript reads them.
 */
const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const sourceRoots = ['packages/protocol/src', 'packages/server/src', 'packages/web/src'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The files `file` imports or re-exports by a relative path (`./x.js` → `./x.ts` or `.tsx`). */
function importedFiles(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles: imports } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return imports
    .filter(({ fileName }) => fileName.startsWith('.'))
    .flatMap(({ fileName }) => {
      const base = resolve(dirname(file), fileName).replace(/\.js$/, '');
      return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].filter((path) =>
        known.has(path),
      );
    });
}

function findCycles(files: readonly string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importedFiles(file, known)]));
  const cycles: string[][] = [];
  const finished = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const open = path.indexOf(next);
      if (open >= 0) cycles.push([...path.slice(open), next]);
      else if (!finished.has(next)) visit(next);
    }
    path.pop();
    finished.add(file);
  };
  for (const file of files) if (!finished.has(file)) visit(file);
  return cycles;
}

it('no source file imports itself through others, type imports included', () => {
  const files = sourceRoots.flatMap((root) => sourceFiles(join(repositoryRoot, root)));
  expect(files.length).toBeGreaterThan(100);
  const cycles = findCycles(files).map((cycle) =>
    cycle.map((file) => relative(repositoryRoot, file)).join(' → '),
  );
  expect(cycles).toEqual([]);
});

it('finds a cycle of type-only imports (the check itself works)', () => {
  // The shape of issue 17's cycle: each file imports only a type from the other.
  const directory = mkdtempSync(join(tmpdir(), 'parley-cycle-'));
  try {
    writeFileSync(
      join(directory, 'language-model.ts'),
      "import type { CallMetrics } from './metrics.js';\nexport type Part = CallMetrics;\n",
    );
    writeFileSync(
      join(directory, 'metrics.ts'),
      "import type { Part } from './language-model.js';\nexport type CallMetrics = { part?: Part };\n",
    );
    writeFileSync(join(directory, 'leaf.ts'), "export { type Part } from './language-model.js';\n");
    const cycles = findCycles(sourceFiles(directory));
    expect(cycles.map((cycle) => cycle.map((file) => relative(directory, file)))).toEqual([
      ['language-model.ts', 'metrics.ts', 'language-model.ts'],
    ]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
