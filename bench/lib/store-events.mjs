// @ts-check
// The events the store benchmark appends: OpenHands V0 user messages of about 1 KB serialized.

const filler =
  'Please refactor the event store so that replay pages are read with a prepared statement, keep the ' +
  'group committer batching concurrent appends into one transaction, and make sure every stored event ' +
  'keeps its upstream key order. Then run the whole test suite, fix anything that breaks, and write a ' +
  'short summary of what changed and why, with the measured effect on replay time and append latency. ';

/**
 * Text length that makes a serialized user message about 1 KB: the text appears twice (`message` and
 * `args.content`), plus about 160 bytes of keys, id and timestamp.
 */
export const defaultTextChars = 430;

/**
 * A V0 user message whose text is `textChars` long and starts with the sequence number.
 * @param {number} sequence
 */
export function makeMessageEvent(sequence, textChars = defaultTextChars) {
  const prefix = `#${sequence} `;
  let text = prefix;
  while (text.length < textChars) text += filler;
  text = text.slice(0, textChars);
  return {
    source: 'user',
    message: text,
    action: 'message',
    args: { content: text, file_urls: [], image_urls: [], wait_for_response: false },
  };
}

/**
 * Conversation ids shaped like upstream's (32 hex characters).
 * @param {number} count
 */
export function conversationIds(count, salt = 0) {
  return Array.from({ length: count }, (_, index) =>
    (salt * 1_000 + index).toString(16).padStart(8, '0').repeat(4),
  );
}
