// Small helpers for building V1 frames from log entries.

/** A log id (an entry's `cause`) as a V1 frame id, or undefined when there is none. */
export function causeId(cause: number | undefined): string | undefined {
  return cause === undefined ? undefined : String(cause);
}

/** `{ [key]: value }`, or nothing when the value is undefined (frames never carry undefined keys). */
export function optional<const Key extends string>(
  key: Key,
  value: string | undefined,
): { [K in Key]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [K in Key]?: string };
}
