/**
 * Malformed frames for R5, generated with fast-check from one seed: `oh_user_action` payloads (and
 * raw packets) for Socket.IO, text and binary frames for the V1 socket. The well-formed messages
 * among them carry a token, so the scenario can find each one in the log.
 */
import fc from 'fast-check';
import { deeplyNested, wrongValue } from './fuzz-rest-inputs.js';

/** One Socket.IO `oh_user_action` payload, or a raw packet text. */
export type SocketIoInput =
  | { readonly kind: 'payload'; readonly payload: unknown; readonly token: string | undefined }
  /** A packet written as text (too deep for the client's encoder); `payload` is what it holds. */
  | {
      readonly kind: 'raw';
      readonly packet: string;
      readonly payload: unknown;
      readonly token: string | undefined;
    };

/**
 * Each well-formed message starts an agent turn that reads the whole log, so a long fuzz run
 * caps them at `maxMessages`; past the cap a `valid` draw becomes a wrong-typed one.
 */
interface FuzzOptions {
  count: number;
  seed: number;
  maxMessages: number;
  token: () => string;
}

function messageBudget(maximum: number): () => boolean {
  let used = 0;
  return () => used++ < maximum;
}

export function socketIoInputs(options: FuzzOptions): SocketIoInput[] {
  const mayWrite = messageBudget(options.maxMessages);
  const shapes = fc.sample(
    fc.record({
      category: fc.constantFrom('json', 'wrong-types', 'valid', 'unknown-action', 'binary', 'deep'),
      json: fc.jsonValue({ maxDepth: 4 }),
      wrong: wrongValue,
      text: fc.string({ unit: 'grapheme', maxLength: 60 }),
      action: fc.string({ maxLength: 12 }),
      bytes: fc.uint8Array({ maxLength: 512 }),
      depth: fc.constantFrom(100, 5_000, 100_000),
      nestedInMessage: fc.boolean(),
    }),
    { numRuns: options.count, seed: options.seed },
  );
  return shapes.map((shape): SocketIoInput => {
    const category = shape.category === 'valid' && !mayWrite() ? 'wrong-types' : shape.category;
    switch (category) {
      case 'json':
        return { kind: 'payload', payload: shape.json, token: undefined };
      case 'wrong-types':
        return {
          kind: 'payload',
          payload: { action: 'message', args: { content: shape.wrong } },
          token: undefined,
        };
      case 'valid': {
        const token = options.token();
        const content = `${token} ${shape.text}`;
        return { kind: 'payload', payload: { action: 'message', args: { content } }, token };
      }
      case 'unknown-action':
        return {
          kind: 'payload',
          payload: { action: `x-${shape.action}`, args: {} },
          token: undefined,
        };
      case 'binary':
        return { kind: 'payload', payload: Buffer.from(shape.bytes), token: undefined };
      case 'deep': {
        // Either the whole payload is nested, or a well-formed message carries the nesting.
        const nested = deeplyNested(shape.depth, 'array');
        const inMessage = shape.nestedInMessage && mayWrite();
        const token = inMessage ? options.token() : undefined;
        const text = inMessage
          ? `{"action":"message","args":{"content":"${token} deep","deep":${nested}}}`
          : nested;
        return { kind: 'raw', packet: `2["oh_user_action",${text}]`, payload: parsed(text), token };
      }
    }
  });
}

/** One V1 frame: text (maybe JSON) or binary. */
export interface V1Input {
  readonly data: string | Buffer;
  readonly binary: boolean;
  readonly token: string | undefined;
}

export function v1Inputs(options: FuzzOptions): V1Input[] {
  const mayWrite = messageBudget(options.maxMessages);
  const shapes = fc.sample(
    fc.record({
      category: fc.constantFrom('json', 'text', 'wrong-types', 'valid', 'binary', 'deep'),
      json: fc.jsonValue({ maxDepth: 4 }),
      wrong: wrongValue,
      text: fc.string({ unit: 'grapheme', maxLength: 60 }),
      raw: fc.string({ unit: 'binary', maxLength: 200 }),
      bytes: fc.uint8Array({ maxLength: 512 }),
      depth: fc.constantFrom(100, 5_000, 100_000),
      nestedInMessage: fc.boolean(),
    }),
    { numRuns: options.count, seed: options.seed },
  );
  return shapes.map((shape): V1Input => {
    const text = (data: string, token?: string): V1Input => ({ data, binary: false, token });
    const category = shape.category === 'valid' && !mayWrite() ? 'wrong-types' : shape.category;
    switch (category) {
      case 'json':
        return text(JSON.stringify(shape.json));
      case 'text':
        return text(shape.raw);
      case 'wrong-types':
        return text(JSON.stringify({ role: 'user', content: shape.wrong }));
      case 'valid': {
        const token = options.token();
        const content = [{ type: 'text', text: `${token} ${shape.text}` }];
        return text(JSON.stringify({ role: 'user', content }), token);
      }
      case 'binary':
        return { data: Buffer.from(shape.bytes), binary: true, token: undefined };
      case 'deep': {
        const inMessage = shape.nestedInMessage && mayWrite();
        const nested = deeplyNested(shape.depth, inMessage ? 'array' : 'object');
        if (!inMessage) return text(nested);
        const token = options.token();
        const content = `[{"type":"text","text":"${token} deep","deep":${nested}}]`;
        return text(`{"role":"user","content":${content},"deep":${nested}}`, token);
      }
    }
  });
}

/** The value of a JSON text, or undefined when it does not parse (too deep for this process). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
