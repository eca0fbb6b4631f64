/**
 * The deepest JSON nesting Parley accepts from a client. Real payloads (events, settings with an
 * MCP configuration) stay under ten levels; a document nested thousands deep overflows the stack
 * of `JSON.stringify` and costs seconds of event-loop time to build and walk (R5 found both).
 */
export const maximumJsonDepth = 64;

/**
 * Whether `text` opens more than `maximum` arrays or objects inside each other. One pass over the
 * characters, skipping strings; it judges nesting only, so invalid JSON still reaches the parser.
 */
export function jsonNestsDeeperThan(text: string, maximum: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > maximum) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}
