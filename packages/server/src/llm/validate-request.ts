import type { LanguageModelRequest } from './language-model.js';
import { LlmRequestInvalidError } from './llm-errors.js';

/** Throws `LlmRequestInvalidError` for a request no provider could answer; called before any I/O. */
export function validateRequest(request: LanguageModelRequest): void {
  if (request.messages.length === 0) {
    throw new LlmRequestInvalidError(
      'The messages list is empty. At least one message is required.',
    );
  }
  const toolNames = new Set<string>();
  for (const tool of request.tools ?? []) {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
      throw new LlmRequestInvalidError(
        `Tool name "${tool.name}" must be 1-64 letters, digits, _ or -`,
      );
    }
    if (toolNames.has(tool.name)) {
      throw new LlmRequestInvalidError(`Tool name "${tool.name}" appears twice`);
    }
    toolNames.add(tool.name);
  }
}
