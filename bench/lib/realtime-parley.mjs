// @ts-check
// Parley's side of the realtime benchmark: the whole app from packages/server/dist (`createApp`, the
// same composition root `main.js` runs) on 127.0.0.1 and a free port, with its durable defaults
// (SQLite WAL, synchronous=FULL, group commit) and a session API key, so every socket is
// authenticated. Conversations are created over REST, as a client would. The producer appends agent
// message events to a conversation's log (`app.eventStreams`), the path an agent loop's output
// takes: committed first, then fanned out by the realtime faces. Commands (B6) go through the faces'
// own client paths (`oh_user_action`, or a V1 user message frame).
//
// PARLEY_SERVER_DIST points it at another build, as for the store benchmark.
import WebSocket from 'ws';
import { agentMessage, benchSessionApiKey } from './realtime-payload.mjs';
import { startCommandTrace } from './realtime-command-trace.mjs';
import { createConversation, startParleyApp } from './parley-dist.mjs';

/**
 * Starts Parley and creates `conversations` conversations. Resolves with `available: false` and a
 * reason when the build has no realtime face of the requested kind yet.
 * @param {{ face: 'socketio' | 'v1', conversations: number, dataDirectory: string }} options
 */
export async function startParley({ face, conversations, dataDirectory }) {
  // A Socket.IO connect starts the conversation's agent loop (as upstream's does), and every bench
  // conversation belongs to the one session user. With the default of 3 running conversations per
  // user, B4's 50 conversations would evict each other: starting the 4th closes the least recently
  // active one and disconnects all its sockets.
  const { app, port } = await startParleyApp(dataDirectory, {
    PARLEY_MAX_RUNNING_CONVERSATIONS: String(Math.max(3, conversations)),
  });
  /** @type {{ id: string, latestId: number }[]} */
  const created = [];
  for (let index = 0; index < conversations; index++) {
    const id = await createConversation(port);
    created.push({ id, latestId: await app.eventStore.latestId(id) });
  }

  const reason = await missingFace(face, port, created[0]?.id);
  return {
    port: Number(port),
    available: reason === undefined,
    reason,
    conversations: created,
    /**
     * @param {string} conversationId
     * @param {string} text
     */
    publish(conversationId, text) {
      return app.eventStreams.get(conversationId).append([agentMessage(text)]);
    },
    /**
     * Appends agent messages with these texts in one batch (B3's seeding); resolves with the last id.
     * @param {string} conversationId
     * @param {string[]} texts
     * @returns {Promise<number>}
     */
    async appendTexts(conversationId, texts) {
      const stored = await app.eventStreams
        .get(conversationId)
        .append(texts.map((/** @type {string} */ text) => agentMessage(text)));
      return stored[stored.length - 1].id;
    },
    /** @type {(conversationId: string) => Promise<number>} */
    latestId: (conversationId) => app.eventStore.latestId(conversationId),
    /** B6: times each client command's way through this server; `stop()` returns the stages. */
    /** @type {(conversationId: string, options: { profilePath?: string }) => { stop(): Promise<object> }} */
    traceCommands: (conversationId, options) => startCommandTrace(app, conversationId, options),
    close: () => app.close(),
  };
}

/**
 * Undefined when the face answers, else why it is not there.
 * @param {'socketio' | 'v1'} face
 * @param {number} port
 * @param {string | undefined} conversationId
 * @returns {Promise<string | undefined>}
 */
async function missingFace(face, port, conversationId) {
  if (face === 'socketio') {
    // An engine.io handshake: 200, or 400 for a refused transport, means Socket.IO is mounted.
    const response = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`);
    await response.arrayBuffer();
    return response.status === 404
      ? 'no Socket.IO face at /socket.io in this build (GET answered 404)'
      : undefined;
  }
  return new Promise((resolvePromise) => {
    const url =
      `ws://127.0.0.1:${port}/sockets/events/${encodeURIComponent(String(conversationId))}` +
      `?session_api_key=${benchSessionApiKey}`;
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      resolvePromise('the V1 WebSocket did not open within 5 s');
    }, 5_000);
    socket.on('open', () => {
      clearTimeout(timer);
      socket.close(1000);
      resolvePromise(undefined);
    });
    socket.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      response.resume();
      resolvePromise(
        `no V1 WebSocket at /sockets/events/{id} in this build (upgrade answered ${response.statusCode})`,
      );
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise(`the V1 WebSocket failed: ${error.message}`);
    });
  });
}
