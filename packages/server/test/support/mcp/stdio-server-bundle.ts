/**
 * The stdio test server as one self-contained ES module (SDK and zod included), so it runs with
 * a bare `node`, on the host or inside the sandbox, where no node_modules is visible.
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entryPoint = fileURLToPath(new URL('./stdio-server-main.ts', import.meta.url));

/** Writes `<directory>/mcp-test-server.mjs` and returns its path. */
export async function bundleStdioServer(directory: string): Promise<string> {
  const output = await build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const path = join(directory, 'mcp-test-server.mjs');
  writeFileSync(path, output.outputFiles[0]?.contents ?? new Uint8Array(), { mode: 0o644 });
  return path;
}
