/**
 * An MCP server's tool as an `AgentTool`: offered to the model under the server's name and
 * schema, logged as upstream's `MCPAction` (`call_tool_mcp`), answered by an `MCPObservation`
 * (`mcp`) whose content is the call's result as JSON text, as upstream's `call_tool_mcp` does.
 * A tool that reports an error, a protocol error and a timeout are `mcp` observations with
 * `isError`; any other failure (the server gone, the network down) an `error` observation.
 * Nothing a server does fails the turn; only the turn's signal does (`AbortedError`).
 */
import { errorObservation, type ObservationEvent } from '@parley/protocol';
import {
  ErrorCode,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { isAbortError } from '../../../shared/abort.js';
import { SecretTextMasker } from '../../../shared/secret-text-masker.js';
import type { JsonValue } from '../../../llm/language-model.js';
import type { AgentTool } from '../tool-registry.js';
import { mcpErrorText } from './mcp-error-text.js';
import type { McpServerConnection } from './mcp-server-connection.js';

export function mcpAgentTool(tool: Tool, connection: McpServerConnection): AgentTool {
  const masker = new SecretTextMasker(connection.spec.secrets, { minLength: 3 });
  return {
    definition: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema as { [key: string]: JsonValue },
    },
    // Upstream's MCPAction is runnable: confirmation mode asks before it runs.
    needsConfirmation: true,
    action: (args) => ({
      action: 'call_tool_mcp',
      args: { name: tool.name, arguments: { ...args }, thought: '', security_risk: -1 },
    }),
    async run(args, { signal }) {
      try {
        const result = await connection.callTool(tool.name, args, { signal });
        return mcpObservation(tool.name, args, resultContent(result));
      } catch (error) {
        if (isAbortError(error)) throw error;
        return failureObservation(tool.name, args, error, connection.spec.callTimeoutMs, masker);
      }
    },
  };
}

/** Upstream's `json.dumps(result.model_dump(mode='json'))`: the result's fields, in its order. */
export function resultContent(result: CallToolResult): string {
  return JSON.stringify({
    meta: result._meta ?? null,
    content: result.content,
    structuredContent: result.structuredContent ?? null,
    isError: result.isError ?? false,
  });
}

function mcpObservation(
  name: string,
  args: Readonly<Record<string, unknown>>,
  content: string,
): ObservationEvent {
  return { observation: 'mcp', content, extras: { name, arguments: { ...args } } };
}

/** Upstream's texts: a timeout and an MCP error as an `mcp` result with `isError`. */
function failureObservation(
  name: string,
  args: Readonly<Record<string, unknown>>,
  error: unknown,
  callTimeoutMs: number,
  masker: SecretTextMasker,
): ObservationEvent {
  if (error instanceof McpError) {
    const text =
      error.code === (ErrorCode.RequestTimeout as number)
        ? `Tool "${name}" timed out after ${callTimeoutMs / 1000} seconds`
        : error.message;
    const content = JSON.stringify({ isError: true, error: masker.maskText(text), content: [] });
    return mcpObservation(name, args, content);
  }
  return errorObservation(`MCP tool "${name}" failed: ${mcpErrorText(error, masker)}`);
}
