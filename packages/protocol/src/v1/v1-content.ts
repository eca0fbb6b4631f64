import { z } from 'zod';

/** A text part of a V1 message (sdk `TextContent`). */
export const v1TextContentSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
});

/** An image part of a V1 message (sdk `ImageContent`): one part may carry several URLs. */
export const v1ImageContentSchema = z.object({
  type: z.literal('image'),
  image_urls: z.array(z.string()),
});

export const v1ContentSchema = z.discriminatedUnion('type', [
  v1TextContentSchema,
  v1ImageContentSchema,
]);

export type V1TextContent = z.output<typeof v1TextContentSchema>;
export type V1ImageContent = z.output<typeof v1ImageContentSchema>;
export type V1Content = z.output<typeof v1ContentSchema>;
