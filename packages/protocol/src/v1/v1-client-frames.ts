import { z } from 'zod';

// What a V1 client may send over the socket (reference §3.1, §3.2): user messages, and Parley's
// first-frame authentication.

const v1InboundTextSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
});

/** The web client's form: `{"type":"image_url","image_url":{"url":"…"}}` (a bare string is taken too). */
const v1InboundImageUrlSchema = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.object({ url: z.string().min(1) }), z.string().min(1)]),
});

/** The sdk's own form: `{"type":"image","image_urls":["…"]}`. */
const v1InboundImageSchema = z.object({
  type: z.literal('image'),
  image_urls: z.array(z.string().min(1)),
});

export const v1InboundContentSchema = z.discriminatedUnion('type', [
  v1InboundTextSchema,
  v1InboundImageUrlSchema,
  v1InboundImageSchema,
]);

/**
 * A user message frame, e.g. `{"role":"user","content":[{"type":"text","text":"hi"}]}`. Only the
 * user role is accepted; other keys of the sdk `Message` (such as `run`) are ignored.
 */
export const v1UserMessageFrameSchema = z.object({
  role: z.literal('user'),
  content: z.array(v1InboundContentSchema).min(1),
});

/** Authentication as the first frame, for clients that cannot put the key in the URL. */
export const v1AuthFrameSchema = z.strictObject({
  type: z.literal('auth'),
  session_api_key: z.string(),
});

/** Any frame a V1 client may send. */
export const v1ClientFrameSchema = z.union([v1AuthFrameSchema, v1UserMessageFrameSchema]);

export type V1InboundContent = z.output<typeof v1InboundContentSchema>;
export type V1UserMessageFrame = z.output<typeof v1UserMessageFrameSchema>;
export type V1AuthFrame = z.output<typeof v1AuthFrameSchema>;
export type V1ClientFrame = z.output<typeof v1ClientFrameSchema>;

/** The raw V0 action dict for a user message frame, ready for `parseIncomingAction`. */
export interface V1UserMessageActionDict {
  action: 'message';
  args: { content: string; image_urls: string[] };
}

/**
 * Turns a user message frame into the V0 `message` action the conversation takes: text parts joined
 * by blank lines, image URLs in order. It goes through the same validation and dispatch as a
 * Socket.IO `oh_user_action`.
 */
export function v1UserMessageAction(frame: V1UserMessageFrame): V1UserMessageActionDict {
  const texts: string[] = [];
  const imageUrls: string[] = [];
  for (const part of frame.content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image') imageUrls.push(...part.image_urls);
    else imageUrls.push(typeof part.image_url === 'string' ? part.image_url : part.image_url.url);
  }
  return { action: 'message', args: { content: texts.join('\n\n'), image_urls: imageUrls } };
}
