// @ts-check
// Peer for benchmarks B1, B4 and B6: a bare `ws` server, the near-limit of WebSocket fan-out on Node.
//
// What it does: accepts WebSocket connections on one port, files each under the `conversation_id` of
// its URL (a Map of Sets, so that "joined to a conversation" costs what a plain room costs), and
// broadcasts an event by serializing it once (JSON.stringify into one Buffer) and calling
// `socket.send(buffer)` on every socket of the conversation. A client's text frame
// `{"command":"…"}` becomes an event with that text, broadcast the same way (B6's echo). The event is
// a V1 `MessageEvent` frame, the same shape and size as Parley's V1 face sends.
//
// What it does not do, and Parley does on top: no storage (Parley commits every event to SQLite with
// synchronous=FULL before anyone sees it), no ids or resume cursor, no authentication or ownership
// check, no replay-then-tail, no projection from the V0 log, no validation or rate limit of client
// frames, no per-connection outbound buffer cap or slow-consumer cut, no heartbeats, no metrics.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { v1MessageFrame } from '../lib/realtime-payload.mjs';
import { listen } from '../lib/listening.mjs';

/** Starts the server on 127.0.0.1 and a free port. */
export async function startRawWsBroadcast({ host = '127.0.0.1', port = 0 } = {}) {
  const rooms = new Map();
  let nextId = 0;
  const httpServer = createServer((_request, response) => {
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({
    server: httpServer,
    maxPayload: 4 * 1024 * 1024,
    perMessageDeflate: false,
  });

  /**
   * @param {string} conversationId
   * @param {string} text
   * @param {string} source
   */
  const broadcast = (conversationId, text, source) => {
    const buffer = Buffer.from(JSON.stringify(v1MessageFrame(nextId++, text, source)));
    for (const socket of rooms.get(conversationId) ?? []) socket.send(buffer);
  };

  wss.on('connection', (socket, request) => {
    const conversationId =
      new URL(request.url ?? '/', 'http://localhost').searchParams.get('conversation_id') ?? '';
    let room = rooms.get(conversationId);
    if (room === undefined) rooms.set(conversationId, (room = new Set()));
    room.add(socket);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let command;
      try {
        command = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof command?.command === 'string') broadcast(conversationId, command.command, 'user');
    });
    socket.on('close', () => {
      room.delete(socket);
      if (room.size === 0) rooms.delete(conversationId);
    });
    socket.on('error', () => {});
  });

  const listeningPort = await listen(httpServer, port, host);
  return {
    port: listeningPort,
    publish: (/** @type {string} */ conversationId, /** @type {string} */ text) =>
      broadcast(conversationId, text, 'agent'),
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
