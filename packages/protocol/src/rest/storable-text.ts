import { z } from 'zod';

/**
 * U+0000, or a surrogate code unit that is not half of a pair. PostgreSQL refuses the first in a
 * text column and stores the second as U+FFFD; SQLite stores both its own way. So the two
 * databases would disagree about such text, and Parley keeps it out of every text it stores
 * outside an event's JSON payload (where JSON escapes it, and it round-trips on both).
 */
const unstorableCharacter =
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` holds no U+0000 and no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !unstorableCharacter.test(text);
}

/** `text` with every U+0000 and lone surrogate replaced by U+FFFD, for text Parley derives. */
export function toStorableText(text: string): string {
  return isStorableText(text)
    ? text
    : text.replace(new RegExp(unstorableCharacter.source, 'g'), '\uFFFD');
}

/** The 422 detail's `type` for such text (a custom zod issue carries it in `params.type`). */
export const unstorableTextType = 'unstorable_text';

/**
 * Refuses text with U+0000 or a lone surrogate: a client-chosen text Parley stores as text
 * (a title, repository, settings string, secret…) gets a 422 naming the field instead of a
 * database error on PostgreSQL and a silently different value on SQLite.
 */
export function storableText<Schema extends z.ZodString>(schema: Schema): Schema {
  return schema.refine(isStorableText, {
    message: 'Text must not contain U+0000 or unpaired surrogates',
    params: { type: unstorableTextType },
  });
}

/** A string field Parley stores as text. */
export const storableString = (): z.ZodString => storableText(z.string());
