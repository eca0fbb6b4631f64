/** Kysely table types: the shape of every table Parley owns. One interface per table. */

export interface EventsTable {
  conversation_id: string;
  /** 0, 1, 2 … per conversation, assigned at append, gap-free. */
  id: number;
  /** ISO 8601 UTC, set at append. Text so that date filters compare as upstream (string order). */
  timestamp: string;
  source: string | null;
  /** 'action' | 'observation' | 'streaming_delta' */
  kind: string;
  /** The action or observation type ('message', 'run' …), or 'streaming_delta'. */
  type: string;
  /** 1 when the event is hidden (`args.hidden` / `extras.hidden`), else 0. */
  hidden: number;
  /** The whole event as sent on the wire (V0 JSON, with id and timestamp). */
  payload: string;
}

export interface DatabaseSchema {
  events: EventsTable;
}
