/**
 * The mock WebSocket server of the web client's unit tests: a real `ws` server on 127.0.0.1, port 0,
 * so jsdom's WebSocket goes through a real handshake, real frames and real close codes. Tests script
 * it per connection: send frames, close with a code, drop the TCP link (the client sees 1006), or
 * refuse handshakes (`refuseConnections`).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface MockConnection {
  /** The request URL (path and query) the client connected with. */
  readonly url: URL;
  /** Text frames received from the client, in order. */
  readonly received: string[];
  /** Resolves with the close code the server saw (1005 when the client sent none). */
  readonly closed: Promise<number>;
  readonly isOpen: boolean;
  /** Sends a frame: strings as they are, anything else as JSON. */
  send(frame: unknown): void;
  close(code?: number, reason?: string): void;
  /** Drops the link without a closing handshake (the client sees 1006). */
  terminate(): void;
  /** Resolves with the next frame from the client (or one already waiting). */
  nextMessage(): Promise<string>;
}

export interface MockWebSocketServer {
  /** `ws://127.0.0.1:{port}` */
  readonly origin: string;
  readonly connections: readonly MockConnection[];
  /** How many handshakes were refused while `refuseConnections` was on. */
  readonly refusedCount: number;
  /** The next connection (or the oldest one not yet taken by an earlier call). */
  nextConnection(): Promise<MockConnection>;
  /** When true, handshakes are answered with HTTP 503 (the client sees an error and 1006). */
  refuseConnections(refuse: boolean): void;
  /** Runs for every new connection, before the test gets it (e.g. a greeting frame). */
  onConnection(handler: ((connection: MockConnection) => void) | null): void;
  close(): Promise<void>;
}

export async function startMockWebSocketServer(): Promise<MockWebSocketServer> {
  let refusing = false;
  let refusedCount = 0;
  let connectionHandler: ((connection: MockConnection) => void) | null = null;
  const connections: MockConnection[] = [];
  const waiting: ((connection: MockConnection) => void)[] = [];
  let taken = 0;

  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, callback) => {
      if (refusing) {
        refusedCount += 1;
        callback(false, 503, 'Refused by the test');
      } else {
        callback(true);
      }
    },
  });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  server.on('connection', (socket, request) => {
    const connection = mockConnection(socket, new URL(request.url ?? '/', 'http://127.0.0.1'));
    connections.push(connection);
    connectionHandler?.(connection);
    const waiter = waiting.shift();
    if (waiter !== undefined) {
      taken += 1;
      waiter(connection);
    }
  });

  return {
    origin: `ws://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get refusedCount() {
      return refusedCount;
    },
    nextConnection() {
      const ready = connections[taken];
      if (ready !== undefined && waiting.length === 0) {
        taken += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    refuseConnections(refuse) {
      refusing = refuse;
    },
    onConnection(handler) {
      connectionHandler = handler;
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function mockConnection(socket: WebSocket, url: URL): MockConnection {
  const received: string[] = [];
  const readers: ((message: string) => void)[] = [];
  let read = 0;
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? '<binary>' : String(data);
    received.push(text);
    const reader = readers.shift();
    if (reader !== undefined) {
      read += 1;
      reader(text);
    }
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return {
    url,
    received,
    closed,
    get isOpen() {
      return socket.readyState === socket.OPEN;
    },
    send(frame) {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    },
    close(code, reason) {
      socket.close(code, reason);
    },
    terminate() {
      socket.terminate();
    },
    nextMessage() {
      const ready = received[read];
      if (ready !== undefined && readers.length === 0) {
        read += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => readers.push(resolve));
    },
  };
}
