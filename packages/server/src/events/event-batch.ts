import type { PreparedEvent } from './event-row.js';
import type { AppendFence } from './event-store.js';

/** One `append` call waiting in the group committer. */
export interface AppendRequest {
  conversationId: string;
  events: PreparedEvent[];
  /** Checked against the conversation's lease in the committing transaction (PostgreSQL). */
  fence?: AppendFence | undefined;
}

/** What a commit decided: the first id of each request, and each conversation's next id. */
export interface IdAssignment {
  firstIds: number[];
  nextIds: Map<string, number>;
}

/**
 * Assigns ids to a batch, continuing from `nextIds` (complete for every conversation in the batch),
 * and calls `insert` for each event in order. Returns the assignment for the commit to record.
 */
export function assignIds(
  batch: readonly AppendRequest[],
  nextIds: Map<string, number>,
  insert: (conversationId: string, id: number, prepared: PreparedEvent) => void,
): IdAssignment {
  const firstIds: number[] = [];
  for (const request of batch) {
    let id = nextIds.get(request.conversationId) as number;
    firstIds.push(id);
    for (const prepared of request.events) {
      insert(request.conversationId, id, prepared);
      id++;
    }
    nextIds.set(request.conversationId, id);
  }
  return { firstIds, nextIds };
}
