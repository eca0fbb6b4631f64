/**
 * A conversation's MCP tools opened when its agent loop first needs them, and closed with the
 * loop: the first `load` opens the connections (`openMcpTools`), later ones get the same tools.
 * An open aborted by its turn's signal is forgotten, so the next turn tries again.
 */
import { throwIfAborted } from '../../../shared/abort.js';
import type { AgentTool } from '../tool-registry.js';
import { openMcpTools, type McpTools, type McpToolsOptions } from './open-mcp-tools.js';

export interface LazyMcpTools {
  /**
   * The MCP tools, opening the connections on the first call. Rejects only with `AbortedError`
   * when `signal` fires while they open. After `close`, resolves with no tools.
   */
  load(signal: AbortSignal): Promise<readonly AgentTool[]>;
  /** Closes what was opened (waiting for an open under way). Never rejects. Idempotent. */
  close(): Promise<void>;
}

export type OpenMcpTools = (config: unknown, options: McpToolsOptions) => Promise<McpTools>;

export function lazyMcpTools(
  config: unknown,
  options: Omit<McpToolsOptions, 'signal'>,
  open: OpenMcpTools = openMcpTools,
): LazyMcpTools {
  let opening: Promise<McpTools> | undefined;
  let isClosed = false;
  let closing: Promise<void> | undefined;
  return {
    async load(signal) {
      throwIfAborted(signal);
      if (isClosed) return [];
      if (opening === undefined) {
        const attempt = open(config, { ...options, signal });
        opening = attempt;
        // An aborted open is forgotten: the next turn opens again.
        attempt.catch(() => {
          if (opening === attempt) opening = undefined;
        });
      }
      const tools = await opening;
      return isClosed ? [] : tools.tools;
    },
    close() {
      isClosed = true;
      closing ??= (async () => {
        const current = opening;
        if (current === undefined) return;
        const tools = await current.catch(() => undefined);
        await tools?.close();
      })();
      return closing;
    },
  };
}
