import { agentStateChangedObservation, type AgentState } from '@parley/protocol';
import type { EventStreams } from '../events/event-streams.js';
import type { Logger } from '../shared/logger.js';
import type { Database } from '../storage/database.js';

/** States in which a turn (or a loop start) was under way: a crash cut it. */
export const interruptedStates: ReadonlySet<AgentState> = new Set([
  'running',
  'loading',
  'rate_limited',
]);

export const interruptedReason =
  'The server stopped while the agent was working, so this turn was interrupted. ' +
  'Nothing already shown was lost; send a message to continue.';

/**
 * Conversations whose latest `agent_state_changed` event says a turn was under way. At start-up
 * no loop runs yet, so such a state can only be left over from a process that died.
 */
export async function findInterruptedConversations(database: Database): Promise<string[]> {
  const latest = database.kysely
    .selectFrom('events')
    .select(['conversation_id', (builder) => builder.fn.max('id').as('id')])
    .where('kind', '=', 'observation')
    .where('type', '=', 'agent_state_changed')
    .groupBy('conversation_id')
    .as('latest');
  const rows = await database.kysely
    .selectFrom('events')
    .innerJoin(latest, (join) =>
      join
        .onRef('latest.conversation_id', '=', 'events.conversation_id')
        .onRef('latest.id', '=', 'events.id'),
    )
    .select(['events.conversation_id', 'events.payload'])
    .execute();
  return rows.flatMap((row) => {
    const payload = JSON.parse(row.payload) as { extras?: { agent_state?: AgentState } };
    const state = payload.extras?.agent_state;
    return state !== undefined && interruptedStates.has(state) ? [row.conversation_id] : [];
  });
}

/**
 * Crash recovery (reference R1): gives every interrupted conversation an `error` state event that
 * explains the interruption, so no client waits on a turn that will never finish. Resolves with
 * the conversations it marked.
 */
export async function recoverInterruptedConversations(parts: {
  database: Database;
  eventStreams: EventStreams;
  logger: Logger;
}): Promise<string[]> {
  const interrupted = await findInterruptedConversations(parts.database);
  for (const conversationId of interrupted) {
    await parts.eventStreams
      .get(conversationId)
      .append([
        { ...agentStateChangedObservation('error', interruptedReason), source: 'environment' },
      ]);
    parts.logger.warn({ conversationId }, 'marked a turn cut by a restart as interrupted');
  }
  return interrupted;
}
