// @ts-check
// How the bench's client processes (realtime-clients.mjs, replay-clients.mjs) open a connection:
// a `ws` WebSocket (the peers and Parley's V1 face) or a `socket.io-client` socket (Parley's and the
// plain Socket.IO face) with the bench's settings, resolving once it is open, rejecting when the
// server refuses it. Every frame's bench text (lib/realtime-payload.mjs) goes to `onText`.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { benchTextInFrame, textOf } from './realtime-payload.mjs';

/** @typedef {import('socket.io-client').Socket} SocketIoSocket */

/**
 * A `ws` socket on `url` (no compression). Rejects on a refused upgrade (`upgrade refused: HTTP
 * n`) or an error before the open; `onClose(code, reason)` hears the close, whoever closed.
 * @param {string} url
 * @param {{ onText: (text: string | undefined) => void, onClose?: (code: number, reason: string) => void }} handlers
 * @returns {Promise<WebSocket>}
 */
export function openWebSocket(url, { onText, onClose }) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.on('message', (data) => onText(benchTextInFrame(/** @type {Buffer} */ (data))));
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      reject(new Error(`upgrade refused: HTTP ${response.statusCode}`));
    });
    socket.once('error', reject);
    socket.on('close', (code, reason) => onClose?.(code, reason.toString()));
  });
}

/**
 * A Socket.IO client on 127.0.0.1:`port` over the WebSocket transport only, never reconnecting,
 * with `query` as the handshake query. Each `oh_event`'s text goes to `onText`; rejects on a
 * `connect_error`; `onDisconnect(reason)` hears the disconnect.
 * @param {number} port
 * @param {Record<string, string>} query
 * @param {{ onText: (text: string | undefined) => void, onDisconnect?: (reason: string) => void }} handlers
 * @returns {Promise<SocketIoSocket>}
 */
export function openSocketIo(port, query, { onText, onDisconnect }) {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      query,
    });
    socket.on('oh_event', (event) => onText(textOf(event)));
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
    socket.on('disconnect', (reason) => onDisconnect?.(reason));
  });
}
