import type { SocketIoClientToServerEvents, SocketIoServerToClientEvents } from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

export type TestSocket = Socket<SocketIoServerToClientEvents, SocketIoClientToServerEvents>;

/** Resolves when `predicate` holds, checking after every `notify()`; the test timeout bounds it. */
export class Condition {
  #waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  notify(): void {
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!waiter.predicate()) return true;
      waiter.resolve();
      return false;
    });
  }

  until(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ predicate, resolve }));
  }
}

/** A Socket.IO client that records everything the server sends. */
export class SocketIoTestClient {
  readonly socket: TestSocket;
  readonly events: Record<string, unknown>[] = [];
  readonly deltas: Record<string, unknown>[] = [];
  readonly heartbeats: { latest_event_id: number }[] = [];
  readonly changes = new Condition();
  disconnectReason: string | undefined;

  constructor(
    url: string,
    query: Record<string, string>,
    headers: Record<string, string> = {},
    options: { transport?: 'websocket' | 'polling'; withCredentials?: boolean } = {},
  ) {
    this.socket = io(url, {
      path: '/socket.io',
      transports: [options.transport ?? 'websocket'],
      // In Node, engine.io-client keeps cookies (a load balancer's stickiness cookie) only with this.
      withCredentials: options.withCredentials ?? false,
      query,
      extraHeaders: headers,
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('oh_event', (payload) => {
      this.events.push(payload);
      this.changes.notify();
    });
    this.socket.on('oh_delta', (payload) => {
      this.deltas.push(payload);
      this.changes.notify();
    });
    this.socket.on('oh_heartbeat', (heartbeat) => {
      this.heartbeats.push(heartbeat);
      this.changes.notify();
    });
    this.socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      this.changes.notify();
    });
  }

  /** Ids of the log events received, in arrival order. */
  get ids(): number[] {
    return this.events.flatMap((event) => (typeof event['id'] === 'number' ? [event['id']] : []));
  }

  get errors(): Record<string, unknown>[] {
    return this.events.filter((event) => event['error'] === true);
  }

  /** Resolves on connect; rejects with the connect_error (its message and data). */
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (error) => reject(error));
    });
  }

  untilId(id: number): Promise<void> {
    return this.changes.until(() => this.ids.includes(id));
  }

  untilDisconnected(): Promise<void> {
    return this.changes.until(() => this.disconnectReason !== undefined);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Connects and waits for the connect_error; resolves with it (fails the test if it connects). */
export async function connectError(
  url: string,
  query: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Error & { data?: Record<string, unknown> }> {
  const client = new SocketIoTestClient(url, query, headers);
  try {
    await client.connected();
  } catch (error) {
    client.close();
    return error as Error & { data?: Record<string, unknown> };
  }
  client.close();
  throw new Error('expected a connect_error, but the socket connected');
}

/** A raw `ws` client for the V1 face that records frames and the close. */
export class V1TestClient {
  readonly socket: WebSocket;
  readonly frames: Record<string, unknown>[] = [];
  readonly changes = new Condition();
  closeCode: number | undefined;
  closeReason: string | undefined;
  opened = false;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.socket = new WebSocket(url, { headers });
    this.socket.on('open', () => {
      this.opened = true;
      this.changes.notify();
    });
    this.socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      this.changes.notify();
    });
    this.socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.changes.notify();
    });
    this.socket.on('error', () => this.changes.notify());
  }

  /** Frames that are log events (their string id is a log id, a decimal integer). */
  get events(): Record<string, unknown>[] {
    return this.frames.filter(
      (frame) => typeof frame['id'] === 'string' && /^\d+$/.test(frame['id']),
    );
  }

  /** The `full_state` snapshots the V1 face sends on connecting (not log events). */
  get snapshots(): Record<string, unknown>[] {
    return this.frames.filter(
      (frame) => frame['kind'] === 'ConversationStateUpdateEvent' && frame['key'] === 'full_state',
    );
  }

  get ids(): number[] {
    return this.events.map((frame) => Number(frame['id']));
  }

  untilOpen(): Promise<void> {
    return this.changes.until(() => this.opened);
  }

  untilId(id: number): Promise<void> {
    return this.changes.until(() => this.ids.includes(id));
  }

  untilClosed(): Promise<void> {
    return this.changes.until(() => this.closeCode !== undefined);
  }

  send(data: unknown): void {
    this.socket.send(typeof data === 'string' ? data : JSON.stringify(data));
  }

  close(): void {
    this.socket.close();
  }
}

/** The ids 0 … last, for exact-sequence assertions. */
export function idsThrough(last: number, first = 0): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}
