import type { SecretTextMasker } from '../../../shared/secret-text-masker.js';

/**
 * An error's message with its causes' (`fetch failed: connect ECONNREFUSED …`), the server's
 * secrets masked: for logs and observations about an MCP server.
 */
export function mcpErrorText(error: unknown, masker: SecretTextMasker): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== '' && !parts.some((part) => part.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return masker.maskText(parts.join(': '));
}
