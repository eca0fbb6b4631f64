// A child process for the crash-durability test: appends to the SQLite event log in the data
// directory named by argv[2] until it is killed. Run as `node --import tsx append-forever.ts <dir>`.
//
// Several producers per conversation append concurrently, so group commit batches many requests
// into one transaction. After each append resolves the child writes one line to stdout:
//
//   ack <conversationId> <firstId> <count> <content>,<content>,…
//
// with `fs.writeSync`, so an acknowledged append is never left in a stream buffer when the process
// is killed. Every event's content is unique across runs (it carries a random run token), so the
// parent can tell which row came from which append.
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { SqlEventStore } from '../../src/events/sql-event-store.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { messageAction } from './event-fixtures.js';

const conversationIds = ['alpha', 'bravo', 'charlie', 'delta'] as const;
const producersPerConversation = 3;

const dataDirectory = process.argv[2];
if (dataDirectory === undefined) {
  process.stderr.write('usage: append-forever.ts <data directory>\n');
  process.exit(2);
}

/** Writes the whole line to stdout synchronously, retrying if the pipe is momentarily full. */
function writeLine(line: string): void {
  let buffer = Buffer.from(`${line}\n`);
  while (buffer.length > 0) {
    try {
      const written = writeSync(1, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

const runToken = randomBytes(4).toString('hex');
const database = await openDatabase({
  databaseUrl: undefined,
  dataDirectory,
  logger: createSilentLogger(),
});
const store = new SqlEventStore({ database, logger: createSilentLogger() });
writeLine(`ready ${runToken}`);

async function produce(conversationId: string, producer: number): Promise<never> {
  for (let sequence = 0; ; sequence++) {
    const count = 1 + ((sequence + producer) % 3);
    const contents = Array.from(
      { length: count },
      (_unused, index) => `${conversationId}-${runToken}-${producer}-${sequence}-${index}`,
    );
    const stored = await store.append(
      conversationId,
      contents.map((content) => messageAction(content)),
    );
    const firstId = stored[0]?.id ?? -1;
    writeLine(`ack ${conversationId} ${firstId} ${stored.length} ${contents.join(',')}`);
  }
}

const producers = conversationIds.flatMap((conversationId) =>
  Array.from({ length: producersPerConversation }, (_unused, producer) =>
    produce(conversationId, producer),
  ),
);
try {
  await Promise.all(producers);
} catch (error) {
  process.stderr.write(`append failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
