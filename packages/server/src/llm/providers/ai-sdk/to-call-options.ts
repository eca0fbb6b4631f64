/** Turns a `LanguageModelRequest` into the AI SDK's provider-level call options (spec v3). */
import type {
  JSONSchema7,
  LanguageModelV3CallOptions,
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3TextPart,
  LanguageModelV3ToolResultOutput,
} from '@ai-sdk/provider';
import type {
  ImageContent,
  LanguageModelMessage,
  LanguageModelRequest,
  TextContent,
  ToolResultMessage,
} from '../../language-model.js';

export function toCallOptions(
  request: LanguageModelRequest,
  abortSignal: AbortSignal,
): LanguageModelV3CallOptions {
  return {
    prompt: request.messages.map(toMessage),
    tools: request.tools?.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      description: tool.description,
      inputSchema: tool.parameters as JSONSchema7,
    })),
    temperature: request.temperature,
    topP: request.topP,
    maxOutputTokens: request.maxOutputTokens,
    seed: request.seed,
    stopSequences: request.stopSequences === undefined ? undefined : [...request.stopSequences],
    abortSignal,
  };
}

function toMessage(message: LanguageModelMessage): LanguageModelV3Message {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: toUserContent(message.content) };
    case 'assistant':
      return {
        role: 'assistant',
        content:
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map((part) =>
                part.type === 'text'
                  ? { type: 'text' as const, text: part.text }
                  : {
                      type: 'tool-call' as const,
                      toolCallId: part.toolCallId,
                      toolName: part.toolName,
                      input: part.input,
                    },
              ),
      };
    case 'tool':
      return {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: message.toolCallId,
            toolName: message.toolName,
            output: toToolOutput(message),
          },
        ],
      };
  }
}

function toUserContent(
  content: string | readonly (TextContent | ImageContent)[],
): (LanguageModelV3TextPart | LanguageModelV3FilePart)[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) =>
    part.type === 'text' ? { type: 'text' as const, text: part.text } : toFilePart(part),
  );
}

function toFilePart(image: ImageContent): LanguageModelV3FilePart {
  const dataUrl = parseDataUrl(image.url);
  if (dataUrl !== undefined) {
    return { type: 'file', mediaType: image.mediaType ?? dataUrl.mediaType, data: dataUrl.base64 };
  }
  return { type: 'file', mediaType: image.mediaType ?? 'image/*', data: new URL(image.url) };
}

function toToolOutput(message: ToolResultMessage): LanguageModelV3ToolResultOutput {
  if (typeof message.content === 'string') {
    return { type: message.isError === true ? 'error-text' : 'text', value: message.content };
  }
  if (message.content.every((part) => part.type === 'text')) {
    const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
    return { type: message.isError === true ? 'error-text' : 'text', value: text };
  }
  return {
    type: 'content',
    value: message.content.map((part) => {
      if (part.type === 'text') return { type: 'text' as const, text: part.text };
      const dataUrl = parseDataUrl(part.url);
      return dataUrl === undefined
        ? { type: 'image-url' as const, url: part.url }
        : {
            type: 'image-data' as const,
            data: dataUrl.base64,
            mediaType: part.mediaType ?? dataUrl.mediaType,
          };
    }),
  };
}

function parseDataUrl(url: string): { mediaType: string; base64: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mediaType: match[1] ?? 'application/octet-stream', base64: match[2] ?? '' };
}
