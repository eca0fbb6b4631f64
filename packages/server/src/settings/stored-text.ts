import { isStorableText } from '@parley/protocol';
import { ParleyError } from '../shared/errors.js';

/**
 * The storage side of the stored-text rule (protocol `storable-text.ts`): text Parley keeps in a
 * column may hold no U+0000 and no lone surrogate, so that PostgreSQL and SQLite store it alike.
 * The REST schemas refuse such input with a 422 naming the field first; this is the last line for
 * any other caller. Null and undefined fields are skipped.
 *
 * @throws ParleyError `REQUEST_INVALID` naming the first offending field.
 */
export function requireStorableText(
  fields: Readonly<Record<string, string | null | undefined>>,
): void {
  for (const [name, value] of Object.entries(fields)) {
    if (value != null && !isStorableText(value)) {
      throw new ParleyError(
        'REQUEST_INVALID',
        `${name} must not contain U+0000 or unpaired surrogates`,
      );
    }
  }
}
