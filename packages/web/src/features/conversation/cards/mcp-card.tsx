import type { V1McpToolAction, V1McpToolObservation } from '@parley/protocol';

/** Text as indented JSON when it is JSON, else as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * What an MCP result says, for reading: the text parts of an MCP `CallToolResult` (each as
 * indented JSON when it is JSON), else the whole result as indented JSON or text.
 */
export function mcpResultText(text: string): string {
  let result: unknown;
  try {
    result = JSON.parse(text);
  } catch {
    return text;
  }
  const content =
    typeof result === 'object' && result !== null
      ? (result as Record<string, unknown>)['content']
      : undefined;
  if (!Array.isArray(content) || content.length === 0) return JSON.stringify(result, null, 2);
  return content
    .map((part: unknown) => {
      const fields =
        typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : {};
      if (fields['type'] === 'text' && typeof fields['text'] === 'string') {
        return prettyJson(fields['text']);
      }
      if (fields['type'] === 'image') return '[image]';
      return JSON.stringify(part, null, 2);
    })
    .join('\n');
}

interface McpCardBodyProps {
  toolName: string;
  action: V1McpToolAction;
  observation: V1McpToolObservation | undefined;
}

/** The MCP tool's name, the arguments it was called with and its result (errors marked). */
export function McpCardBody({ toolName, action, observation }: McpCardBodyProps) {
  const hasArguments = Object.keys(action.data).length > 0;
  const resultText = observation?.content
    .map((part) => (part.type === 'text' ? part.text : `[${part.image_urls.length} image(s)]`))
    .join('\n');
  return (
    <>
      <p className="tool-card__path">
        Called <code data-testid="mcp-tool-name">{toolName}</code>
        {hasArguments ? ' with' : ' without arguments'}
      </p>
      {hasArguments && (
        <pre className="tool-card__text" aria-label="Arguments" data-testid="mcp-arguments">
          {JSON.stringify(action.data, null, 2)}
        </pre>
      )}
      {observation !== undefined && (
        <div className="tool-card__result">
          <p className={observation.is_error ? 'tool-card__failure' : 'tool-card__meta'}>
            {observation.is_error ? 'The tool reported an error:' : 'Result:'}
          </p>
          <pre
            className={`tool-card__text${observation.is_error ? ' tool-card__text--error' : ''}`}
            aria-label={observation.is_error ? 'Error' : 'Result'}
            data-testid="mcp-result"
            tabIndex={0}
          >
            {resultText === undefined || resultText === '' ? '(empty)' : mcpResultText(resultText)}
          </pre>
        </div>
      )}
    </>
  );
}
