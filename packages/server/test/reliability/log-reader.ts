/** Reads every conversation's stored log straight from the database, for the checker. */
import { projectV1Event, type LoggedEvent } from '@parley/protocol';
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';
import type { LogEntry } from './check-history.js';

export interface DatabaseLocation {
  /** PostgreSQL URL, or undefined for the SQLite file in `dataDirectory`. */
  readonly databaseUrl: string | undefined;
  readonly dataDirectory: string;
}

export interface StoredLogs {
  readonly logs: Map<string, LogEntry[]>;
  /** SQLite's `PRAGMA integrity_check` (`ok` when sound); undefined on PostgreSQL. */
  readonly integrity: string | undefined;
  /** Latest agent state per conversation. */
  readonly agentStates: Map<string, string>;
}

export async function readStoredLogs(location: DatabaseLocation): Promise<StoredLogs> {
  const database = await openDatabase({
    databaseUrl: location.databaseUrl,
    dataDirectory: location.dataDirectory,
    logger: createSilentLogger(),
    migrate: false,
  });
  try {
    const rows = await database.kysely
      .selectFrom('events')
      .select(['conversation_id', 'id', 'payload'])
      .orderBy('conversation_id')
      .orderBy('id')
      .execute();
    const logs = new Map<string, LogEntry[]>();
    const agentStates = new Map<string, string>();
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as StoredPayload;
      const log = logs.get(row.conversation_id) ?? [];
      const entry = toLogEntry(Number(row.id), payload);
      const v1Visible = projectV1Event(payload as unknown as LoggedEvent) !== undefined;
      log.push(entry.kind === 'delta' ? entry : { ...entry, v1Visible });
      logs.set(row.conversation_id, log);
      const state = payload.extras?.agent_state;
      if (payload.observation === 'agent_state_changed' && typeof state === 'string') {
        agentStates.set(row.conversation_id, state);
      }
    }
    const integrity =
      database.withSqliteConnection === undefined
        ? undefined
        : String(
            await database.withSqliteConnection((connection) =>
              connection.pragma('integrity_check', { simple: true }),
            ),
          );
    return { logs, integrity, agentStates };
  } finally {
    await database.close();
  }
}

interface StoredPayload {
  source?: string;
  action?: string;
  observation?: string;
  args?: { content?: unknown; command?: unknown };
  extras?: { agent_state?: unknown };
  streaming_delta?: { content?: unknown };
}

function toLogEntry(id: number, payload: StoredPayload): LogEntry {
  const source = payload.source === undefined ? {} : { source: payload.source };
  if (payload.streaming_delta !== undefined) {
    const content = payload.streaming_delta.content;
    return {
      id,
      kind: 'delta',
      content: typeof content === 'string' ? content : undefined,
      ...source,
    };
  }
  if (payload.action === 'message') {
    const content = payload.args?.content;
    return {
      id,
      kind: 'message',
      content: typeof content === 'string' ? content : undefined,
      ...source,
    };
  }
  if (payload.action === 'run') {
    const command = payload.args?.command;
    return {
      id,
      kind: 'command',
      content: typeof command === 'string' ? command : undefined,
      ...source,
    };
  }
  const state = payload.extras?.agent_state;
  return {
    id,
    kind: 'other',
    content: undefined,
    ...source,
    ...(payload.observation === 'agent_state_changed' && typeof state === 'string'
      ? { agentState: state }
      : {}),
  };
}
