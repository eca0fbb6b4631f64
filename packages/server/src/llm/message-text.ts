/** Plain-text views of messages, for logs, the demo model and rough token counts. */
import type { LanguageModelMessage } from './language-model.js';

/** The text of a message; images become `[image <url>]` when `includeImages` is set. */
export function messageText(message: LanguageModelMessage, includeImages = false): string {
  if (typeof message.content === 'string') return message.content;
  const pieces: string[] = [];
  for (const part of message.content) {
    if (part.type === 'text') pieces.push(part.text);
    else if (part.type === 'image') {
      if (includeImages)
        pieces.push(`[image ${part.url.startsWith('data:') ? 'data URL' : part.url}]`);
    } else pieces.push(`Function call: ${part.toolName}(${JSON.stringify(part.input)})`);
  }
  return pieces.join('\n');
}

/** Upstream's prompt log format: message texts joined by a dashed rule. */
export function promptText(messages: readonly LanguageModelMessage[]): string {
  return messages.map((message) => messageText(message, true)).join('\n\n----------\n\n');
}
