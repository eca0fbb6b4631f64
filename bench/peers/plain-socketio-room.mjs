// @ts-check
// Peer for benchmarks B1, B4 and B6 on the Socket.IO face: a plain Socket.IO server doing what the
// library does best, a room broadcast.
//
// What it does: Socket.IO on `/socket.io` (websocket transport, 4 MiB max message, no compression),
// each connection joins the room named by its `conversation_id` query parameter, and an event is sent
// with `io.to(room).emit('oh_event', event)`, which encodes the packet once and writes it to every
// socket of the room. A client's `oh_user_action` `{action:'message', args:{content}}` becomes an event
// with that text, broadcast the same way (B6's echo). The event is an upstream V0 event dict, the
// same shape and size as Parley's Socket.IO face sends.
//
// What it does not do, and Parley does on top: no storage (Parley commits every event to SQLite with
// synchronous=FULL before anyone sees it), no ids kept or `latest_event_id` resume, no session key or
// ownership check, no replay-then-tail, no validation of client actions against the event model, no
// per-connection message rate limit, no outbound buffer cap or slow-consumer cut, no heartbeats, no
// metrics.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { v0MessageEvent } from '../lib/realtime-payload.mjs';
import { listen } from '../lib/listening.mjs';

/** Starts the server on 127.0.0.1 and a free port. */
export async function startPlainSocketIoRoom({ host = '127.0.0.1', port = 0 } = {}) {
  let nextId = 0;
  const httpServer = createServer();
  const io = new Server(httpServer, {
    path: '/socket.io',
    transports: ['websocket'],
    maxHttpBufferSize: 4 * 1024 * 1024,
    perMessageDeflate: false,
    serveClient: false,
  });

  /**
   * @param {string} conversationId
   * @param {string} text
   * @param {string} source
   */
  const broadcast = (conversationId, text, source) => {
    io.to(conversationId).emit('oh_event', v0MessageEvent(nextId++, text, source));
  };

  io.on('connection', (socket) => {
    const conversationId = String(socket.handshake.query.conversation_id ?? '');
    socket.join(conversationId);
    socket.on('oh_user_action', (action) => {
      const content = action?.args?.content;
      if (action?.action === 'message' && typeof content === 'string') {
        broadcast(conversationId, content, 'user');
      }
    });
  });

  const listeningPort = await listen(httpServer, port, host);
  return {
    port: listeningPort,
    publish: (/** @type {string} */ conversationId, /** @type {string} */ text) =>
      broadcast(conversationId, text, 'agent'),
    async close() {
      io.disconnectSockets(true);
      await new Promise((resolve) => io.close(() => resolve(undefined)));
    },
  };
}
