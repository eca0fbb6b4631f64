/**
 * What a reliability scenario did and saw, for the checker (`check-history.ts`):
 * - operations: each write a client asked for (who, what, when invoked and completed, with what
 *   result: `ok` when the server acknowledged it, `fail` when it refused it, `unknown` when the
 *   answer never came, as when the server was killed mid-request);
 * - streams: each client's live view, one session per connection, with the cursor it resumed from
 *   and the ids it received in arrival order.
 */
import { performance } from 'node:perf_hooks';

export type OperationResult = 'ok' | 'fail' | 'unknown';

export interface Operation {
  readonly client: string;
  readonly conversationId: string;
  /** A unique text carried in the message, so the checker can find it in the log. */
  readonly token: string;
  readonly invokedAt: number;
  completedAt: number | undefined;
  result: OperationResult | undefined;
  /** Why it failed (status, error code), for the report. */
  detail?: string;
}

export type Face = 'socket.io' | 'v1';

export interface StreamSession {
  /** The last id the client had when it (re)connected: -1 for everything. */
  readonly cursor: number;
  /** Log ids as they arrived, duplicates included. */
  readonly ids: number[];
  /** Received text of each id, to compare with the log. */
  readonly contents: Map<number, string | undefined>;
}

export interface ClientStream {
  readonly client: string;
  readonly conversationId: string;
  readonly face: Face;
  /** The client asked for streaming deltas. */
  readonly wantsDeltas: boolean;
  readonly sessions: StreamSession[];
  /**
   * The client stayed until the end of the scenario and caught up: it must have everything up
   * to the end of the log, not only a prefix.
   */
  complete: boolean;
}

export class History {
  readonly operations: Operation[] = [];
  readonly streams: ClientStream[] = [];
  #tokens = 0;

  /** A fresh token, unique in this history. */
  token(prefix: string): string {
    this.#tokens += 1;
    return `${prefix}-${this.#tokens}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Runs `write` as one operation: ok when it resolves true, fail when false, unknown on throw. */
  async record(
    client: string,
    conversationId: string,
    token: string,
    write: () => Promise<{ acknowledged: boolean; detail?: string }>,
  ): Promise<Operation> {
    const operation: Operation = {
      client,
      conversationId,
      token,
      invokedAt: performance.now(),
      completedAt: undefined,
      result: undefined,
    };
    this.operations.push(operation);
    try {
      const outcome = await write();
      operation.result = outcome.acknowledged ? 'ok' : 'fail';
      if (outcome.detail !== undefined) operation.detail = outcome.detail;
    } catch (error) {
      operation.result = 'unknown';
      operation.detail = error instanceof Error ? error.message : String(error);
    }
    operation.completedAt = performance.now();
    return operation;
  }

  stream(client: string, conversationId: string, face: Face, wantsDeltas = false): ClientStream {
    const stream: ClientStream = {
      client,
      conversationId,
      face,
      wantsDeltas,
      sessions: [],
      complete: false,
    };
    this.streams.push(stream);
    return stream;
  }
}

/** The highest id a stream has received, or the cursor it started from (-1 for everything). */
export function lastReceivedId(stream: ClientStream): number {
  let last = stream.sessions[0]?.cursor ?? -1;
  for (const session of stream.sessions) {
    for (const id of session.ids) if (id > last) last = id;
  }
  return last;
}
