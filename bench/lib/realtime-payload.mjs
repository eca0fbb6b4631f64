// @ts-check
// The events of the realtime benchmark. Every bench event carries, in its text, what it is (`ev` for
// a produced event, `cmd` for a client command), its sequence number and the absolute time (ms, a
// clock shared by every process on the machine) at which the producer handed it to the server, so a
// client in another process can measure append→receive latency. The text is padded so that the V0
// event JSON (text twice: `message` and `args.content`) is about 1 KB.
export const defaultTextChars = 420;

/** The SESSION_API_KEY Parley runs with in the benchmark; every socket presents it. */
export const benchSessionApiKey = 'parley-bench-session-key';

/** Milliseconds on the machine's clock, with sub-millisecond resolution, comparable across processes. */
export function now() {
  return performance.timeOrigin + performance.now();
}

/**
 * @param {string} kind  `ev`, `cmd`, `rp`, …
 * @param {number} seq
 * @param {number} sentAt  ms on the shared clock (`now()`)
 */
export function benchText(kind, seq, sentAt, textChars = defaultTextChars) {
  const head = `bench|${kind}|${seq}|${sentAt.toFixed(3)}|`;
  return head + 'x'.repeat(Math.max(0, textChars - head.length));
}

/**
 * `{ kind, seq, sentAt }` of a bench text, or undefined for any other text.
 * @param {unknown} text
 */
export function readBenchText(text) {
  if (typeof text !== 'string' || !text.startsWith('bench|')) return undefined;
  const parts = text.split('|', 5);
  if (parts.length < 5) return undefined;
  const [, kind = '', seq, sentAt] = parts;
  return { kind, seq: Number(seq), sentAt: Number(sentAt) };
}

/**
 * An agent message as Parley's event log takes it (`EventStream.append`): V0 without id and time.
 * @param {string} text
 */
export function agentMessage(text, source = 'agent') {
  return {
    source,
    message: text,
    action: 'message',
    args: { content: text, file_urls: [], image_urls: [], wait_for_response: false },
  };
}

/**
 * A V0 agent message event (reference §4.1), the shape of a Socket.IO `oh_event`.
 * @param {number} id
 * @param {string} text
 */
export function v0MessageEvent(id, text, source = 'agent') {
  return { id, timestamp: new Date().toISOString(), ...agentMessage(text, source) };
}

/**
 * A V1 `MessageEvent` frame (reference §3.2), the shape of Parley's V1 face.
 * @param {number | string} id
 * @param {string} text
 */
export function v1MessageFrame(id, text, source = 'agent') {
  return {
    kind: 'MessageEvent',
    id: String(id),
    timestamp: new Date().toISOString(),
    source,
    llm_message: {
      role: source === 'user' ? 'user' : 'assistant',
      content: [{ type: 'text', text }],
    },
    activated_skills: [],
    extended_content: [],
  };
}

/**
 * The head of the bench text inside a raw frame, found without decoding or parsing the whole frame:
 * the WebSocket load generator is cheap per delivery so that it is less often the limit.
 * @param {Buffer} buffer
 */
export function benchTextInFrame(buffer) {
  const start = buffer.indexOf('bench|');
  if (start < 0) return undefined;
  return buffer.toString('latin1', start, Math.min(buffer.length, start + 64));
}

/**
 * The text of a received event or frame, whichever face sent it; undefined when it has none.
 * @param {unknown} message
 * @returns {string | undefined}
 */
export function textOf(message) {
  /** @type {any} */
  const value = typeof message === 'string' ? safeParse(message) : message;
  if (value === null || typeof value !== 'object') return undefined;
  if (value.kind === 'MessageEvent') return value.llm_message?.content?.[0]?.text;
  if (value.action === 'message') return value.args?.content;
  return undefined;
}

/** @param {string} text */
function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
