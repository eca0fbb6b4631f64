// @ts-check
// Peer for B3's socket half: the shortest honest path from a SQLite event log to a WebSocket client.
//
// What it does: better-sqlite3 on its own database file with Parley's pragmas (WAL, synchronous=FULL,
// foreign_keys, busy_timeout) and Parley's `events` table. A client connects to
// `/?conversation_id=…&after_id=N`; the peer reads `SELECT id, payload … WHERE id > ? ORDER BY id
// LIMIT 200` page by page (Parley's replay page size), sends every row's stored payload string as it
// is, one text frame per event, back to back for the whole page, then yields to the event loop
// (setImmediate) before the next page. Like Parley's replay, it stops reading while the socket has more
// than 4 MiB waiting (polling every millisecond) so that a replay never floods one client's buffer.
// With `corkPages` (the benchmark's second peer, "corked pages") it also corks the TCP socket under
// `ws` (its private `_socket`) around each page's sends, so a page leaves in one writev instead of one
// system call per frame, as Parley's replay does since it batches a page's writes.
// Without `after_id` a client only joins the conversation's live broadcasts. `publish` is the live
// path the other clients of the benchmark watch: INSERT one row (its own transaction, so one fsync),
// then send the payload to every socket of the conversation.
//
// What it does not do, and Parley does on top: no authentication or ownership check, no subscribe-
// then-replay handover (a live event committed while a client replays can be missed or sent twice;
// here no live event goes to a replaying conversation), no projection (Parley's V1 face turns each
// stored V0 event into a V1 frame, its Socket.IO face applies upstream's replay filters), no JSON
// parsing of rows, no per-connection outbound cap on live sends, no heartbeats, no state snapshot,
// no metrics.
import { join } from 'node:path';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createEventsTable, openRawSqlite } from './raw-sqlite-group-commit.mjs';
import { listen } from '../lib/listening.mjs';

const pageSize = 200;
const replayBufferBytes = 4 * 1024 * 1024;

/**
 * Starts the peer on 127.0.0.1 and a free port, with a fresh database in `dataDirectory`.
 * @param {{ dataDirectory: string, host?: string, port?: number, corkPages?: boolean }} settings
 */
export async function startRawSqliteWsReplay({
  dataDirectory,
  host = '127.0.0.1',
  port = 0,
  corkPages = false,
}) {
  const db = openRawSqlite(join(dataDirectory, 'peer.db'));
  db.exec(createEventsTable);
  const insert = db.prepare(
    'INSERT INTO events (conversation_id, id, timestamp, source, kind, type, hidden, payload) ' +
      'VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
  );
  const page = db.prepare(
    'SELECT id, payload FROM events WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  const insertMany = db.transaction((conversationId, rows) => {
    for (const row of rows) {
      insert.run(
        conversationId,
        row.id,
        row.timestamp,
        'agent',
        'action',
        'MessageAction',
        row.payload,
      );
    }
  });
  /** @type {Map<string, number>} */
  const nextIds = new Map();
  /** @type {Map<string, Set<import('ws').WebSocket>>} */
  const rooms = new Map();

  /**
   * Appends V0 events (objects without id or timestamp); returns their stored payloads.
   * @param {string} conversationId
   * @param {object[]} events
   */
  function append(conversationId, events) {
    let nextId = nextIds.get(conversationId) ?? 0;
    const timestamp = new Date().toISOString();
    const rows = events.map((event) => {
      const id = nextId++;
      return { id, timestamp, payload: JSON.stringify({ id, timestamp, ...event }) };
    });
    insertMany(conversationId, rows);
    nextIds.set(conversationId, nextId);
    return rows;
  }

  /**
   * @param {import('ws').WebSocket} socket
   * @param {string} conversationId
   * @param {number} afterId
   */
  async function replay(socket, conversationId, afterId) {
    let cursor = afterId;
    for (;;) {
      const rows = /** @type {{ id: number, payload: string }[]} */ (
        page.all(conversationId, cursor, pageSize)
      );
      // `ws` keeps the TCP socket in an internal field; corking it batches the page's frames.
      const tcp = corkPages
        ? /** @type {{ _socket?: import('node:net').Socket }} */ (/** @type {unknown} */ (socket))
            ._socket
        : undefined;
      tcp?.cork();
      for (const row of rows) socket.send(row.payload);
      tcp?.uncork();
      if (rows.length < pageSize) return;
      cursor = rows.at(-1)?.id ?? cursor;
      while (socket.bufferedAmount > replayBufferBytes && socket.readyState === socket.OPEN) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (socket.readyState !== socket.OPEN) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const httpServer = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({
    server: httpServer,
    maxPayload: 4 * 1024 * 1024,
    perMessageDeflate: false,
  });
  wss.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
    const conversationId = query.get('conversation_id') ?? '';
    const afterId = query.get('after_id');
    socket.on('error', () => {});
    const join = () => {
      let room = rooms.get(conversationId);
      if (room === undefined) rooms.set(conversationId, (room = new Set()));
      room.add(socket);
      socket.on('close', () => room.delete(socket));
    };
    if (afterId === null) join();
    else void replay(socket, conversationId, Number(afterId)).then(join, () => socket.terminate());
  });
  const listeningPort = await listen(httpServer, port, host);
  return {
    port: listeningPort,
    append,
    /**
     * @param {string} conversationId
     * @param {object} event
     */
    publish(conversationId, event) {
      const [row] = append(conversationId, [event]);
      if (row === undefined) return;
      for (const socket of rooms.get(conversationId) ?? []) socket.send(row.payload);
    },
    latestId: (/** @type {string} */ conversationId) => (nextIds.get(conversationId) ?? 0) - 1,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => httpServer.close(resolve));
      db.close();
    },
  };
}
