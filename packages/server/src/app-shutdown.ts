/**
 * The composition root's shutdown order (ARCHITECTURE.md, "Shutdown order"), apart from app.ts so
 * that the wiring and the order each read on their own.
 */
import { closeTogether } from './shared/close-together.js';
import type { Logger } from './shared/logger.js';

export interface ShutdownParts {
  logger: Logger;
  /** Called first, synchronously: REST writes answer 503 from here on. */
  stopTakingWork(): void;
  agentLoops: { close(): Promise<void> };
  eventStore: { flush(): Promise<void>; close(): Promise<void> };
  realtime: { close(): Promise<void> };
  http: { close(): Promise<void> };
  /** Parts that depend on nothing else (Redis clients, streams, transport, sandbox). */
  independent: { name: string; close(): Promise<void> }[];
  independentTimeoutMs: number;
  /** Closed last, whatever happened before. */
  database: { close(): Promise<void> };
}

/** Runs the shutdown once; later calls get the same promise. */
export function shutdownOnce(parts: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= shutDown(parts);
    return closing;
  };
}

async function shutDown(parts: ShutdownParts): Promise<void> {
  parts.logger.info('shutting down');
  // From here on REST writes answer 503 and the agent loops refuse new work (sockets get an
  // error frame), so no turn starts. Turns stop first (their `stopped` state reaches the log
  // and the sockets); then pending appends reach the log (and the sockets) before the sockets
  // close with a reason.
  parts.stopTakingWork();
  await parts.agentLoops.close();
  await parts.eventStore.flush();
  await parts.realtime.close();
  await parts.http.close();
  await parts.eventStore.close(); // the last appends commit and reach the transport
  try {
    // Independent of each other, so closed together within half the shutdown timeout: one
    // that hangs (a Redis connection) cannot keep the database from closing before main.ts
    // gives up on the process.
    await closeTogether(parts.independent, { timeoutMs: parts.independentTimeoutMs });
  } finally {
    await parts.database.close();
  }
  parts.logger.info('shut down');
}
