/**
 * The server's live heap, not its garbage: a server started with `--inspect=127.0.0.1:0` is asked
 * over the inspector protocol for a full garbage collection (`HeapProfiler.collectGarbage`), then
 * its `/metrics` heap figure is read. Heap used without that swings with the collector's schedule
 * by tens of MB, which would hide or invent a leak.
 */
import WebSocket from 'ws';
import { within } from './deadline.js';
import { heapUsedBytes, scrapeMetrics } from './server-metrics.js';
import type { ServerProcess } from './server-process.js';

/** What a server needs in its node options for `liveHeapBytes`. */
export const inspectorOption = '--inspect=127.0.0.1:0';

async function collectGarbage(server: ServerProcess): Promise<void> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.output)?.[1];
  if (url === undefined) throw new Error(`the server was not started with ${inspectorOption}`);
  const socket = new WebSocket(url);
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () =>
          socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
        );
        socket.on('message', (data) => {
          if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve();
        });
        socket.once('error', reject);
      }),
      60_000,
      'a forced garbage collection',
    );
  } finally {
    socket.close();
  }
}

/** The heap in use after a full collection, in bytes. */
export async function liveHeapBytes(server: ServerProcess): Promise<number> {
  await collectGarbage(server);
  return heapUsedBytes(await scrapeMetrics(server.url));
}
