/**
 * A conversation's MCP tools: connects to every server of the user's `mcp_config` at once, offers
 * each server's tools as `AgentTool`s, and closes the connections when the agent loop closes. A
 * server that cannot be reached (or takes too long) is logged and left out; the rest still work.
 */
import { mcpConfigSchema } from '@parley/protocol';
import { abortedErrorFrom, isAbortError } from '../../../shared/abort.js';
import type { Logger } from '../../../shared/logger.js';
import { SecretTextMasker } from '../../../shared/secret-text-masker.js';
import type { AgentTool } from '../tool-registry.js';
import {
  connectMcpServer,
  type McpSandbox,
  type McpServerConnection,
} from './mcp-server-connection.js';
import { mcpErrorText } from './mcp-error-text.js';
import { mcpServerSpecs, type McpServerSpec } from './mcp-server-specs.js';
import { mcpAgentTool } from './mcp-tool.js';

/** The built-in tools' names; an MCP tool of the same name is left out. */
export const builtInToolNames: readonly string[] = [
  'execute_bash',
  'str_replace_editor',
  'think',
  'finish',
];

/** The tool names model APIs accept (OpenAI's rule, the strictest). */
const toolNamePattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Upstream's limit on connecting to a server and listing its tools. */
export const defaultConnectTimeoutMs = 30_000;

export interface McpToolsOptions {
  /** Where stdio servers run (`Sandbox.start`); stdio servers are left out without one. */
  readonly sandbox: McpSandbox | undefined;
  /** The conversation's workspace (`workspaceIdFor(conversationId)`). */
  readonly workspaceId: string;
  readonly logger: Logger;
  /** Aborts the opening: everything opened is closed and the call rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Names MCP tools may not take; default `builtInToolNames`. */
  readonly reservedNames?: readonly string[];
  readonly connectTimeoutMs?: number;
}

export interface McpTools {
  /** Every reachable server's tools, in the configuration's order, without name clashes. */
  readonly tools: readonly AgentTool[];
  /** Closes every connection (stdio servers' commands end). Never rejects. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to the servers of `config` (the stored `mcp_config`: null, undefined or an empty
 * configuration give no tools; a stored value that no longer matches the schema is logged and
 * gives none) and lists their tools. Resolves once every server has answered, failed or timed
 * out; rejects only with `AbortedError`, when `signal` fires.
 */
export async function openMcpTools(config: unknown, options: McpToolsOptions): Promise<McpTools> {
  const logger = options.logger;
  const specs = readSpecs(config, logger);
  const opened = await Promise.allSettled(specs.map((spec) => connectLogged(spec, options)));
  const connections = opened.flatMap((outcome) =>
    outcome.status === 'fulfilled' && outcome.value !== undefined ? [outcome.value] : [],
  );
  const close = closeAll(connections, logger);
  if (options.signal?.aborted === true) {
    await close();
    throw abortedErrorFrom(options.signal);
  }
  return {
    tools: agentTools(connections, options.reservedNames ?? builtInToolNames, logger),
    close,
  };
}

function readSpecs(config: unknown, logger: Logger): McpServerSpec[] {
  if (config === null || config === undefined) return [];
  const parsed = mcpConfigSchema.safeParse(config);
  if (!parsed.success) {
    // Paths and messages only: the values may hold keys.
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    logger.warn({ issues }, 'the stored mcp_config is not valid; no MCP tools are offered');
    return [];
  }
  return mcpServerSpecs(parsed.data);
}

/** The connection, or undefined (logged) when the server is out; rejects only when aborted. */
async function connectLogged(
  spec: McpServerSpec,
  options: McpToolsOptions,
): Promise<McpServerConnection | undefined> {
  const server = { server: spec.label, transport: spec.kind };
  const masker = new SecretTextMasker(spec.secrets, { minLength: 3 });
  try {
    const connection = await connectMcpServer(spec, {
      sandbox: options.sandbox,
      workspaceId: options.workspaceId,
      connectTimeoutMs: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
      signal: options.signal,
      onError: (error) =>
        options.logger.debug(
          { ...server, reason: mcpErrorText(error, masker) },
          'MCP server error',
        ),
    });
    const tools = connection.tools.map((tool) => tool.name);
    options.logger.info({ ...server, tools }, 'MCP server connected');
    return connection;
  } catch (error) {
    if (isAbortError(error) && options.signal?.aborted === true) return undefined;
    const reason = mcpErrorText(error, masker);
    options.logger.warn({ ...server, reason }, 'MCP server left out: it could not be reached');
    return undefined;
  }
}

function agentTools(
  connections: readonly McpServerConnection[],
  reservedNames: readonly string[],
  logger: Logger,
): AgentTool[] {
  const taken = new Set(reservedNames);
  const tools: AgentTool[] = [];
  for (const connection of connections) {
    for (const tool of connection.tools) {
      if (!toolNamePattern.test(tool.name)) {
        logger.warn(
          { server: connection.spec.label, tool: tool.name.slice(0, 100) },
          'MCP tool left out: model APIs take only names of 1 to 64 letters, digits, _ and -',
        );
        continue;
      }
      if (taken.has(tool.name)) {
        logger.warn(
          { server: connection.spec.label, tool: tool.name },
          'MCP tool left out: a built-in tool or an earlier server has its name',
        );
        continue;
      }
      taken.add(tool.name);
      tools.push(mcpAgentTool(tool, connection));
    }
  }
  return tools;
}

function closeAll(
  connections: readonly McpServerConnection[],
  logger: Logger,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= Promise.all(connections.map((connection) => connection.close())).then(() => {
      if (connections.length > 0)
        logger.debug({ servers: connections.length }, 'MCP servers closed');
    });
    return closing;
  };
}
