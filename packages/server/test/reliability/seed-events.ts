/**
 * Writes a long history straight into a scenario's database through the event store (the server
 * stopped), as a log that grew over months would look: agent messages of a fixed size.
 */
import { SqlEventStore } from '../../src/events/sql-event-store.js';
import type { NewEvent } from '../../src/events/event-store.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';
import type { DatabaseLocation } from './log-reader.js';

/** The content of seeded message `sequence`: `bytes` long, unique. */
export function seededText(sequence: number, bytes: number): string {
  const head = `seeded ${sequence} `;
  return head + 'x'.repeat(Math.max(0, bytes - head.length));
}

function agentMessage(content: string): NewEvent {
  return {
    source: 'agent',
    message: content,
    action: 'message',
    args: { content, file_urls: [], image_urls: [], wait_for_response: false },
  } as NewEvent;
}

/** Appends `count` messages of `bytes` each; returns the ids of the first and last. */
export async function seedMessages(
  location: DatabaseLocation,
  conversationId: string,
  count: number,
  bytes: number,
): Promise<{ firstId: number; lastId: number }> {
  const logger = createSilentLogger();
  const database = await openDatabase({
    databaseUrl: location.databaseUrl,
    dataDirectory: location.dataDirectory,
    logger,
    migrate: false,
  });
  const store = new SqlEventStore({ database, logger });
  let firstId = -1;
  let lastId = -1;
  try {
    for (let first = 0; first < count; first += 100) {
      const batch = Array.from({ length: Math.min(100, count - first) }, (_, index) =>
        agentMessage(seededText(first + index, bytes)),
      );
      const stored = await store.append(conversationId, batch);
      if (firstId < 0) firstId = stored[0]?.id ?? -1;
      lastId = stored.at(-1)?.id ?? lastId;
    }
    await store.close();
  } finally {
    await database.close();
  }
  return { firstId, lastId };
}
