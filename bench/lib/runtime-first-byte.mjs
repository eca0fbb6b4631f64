// @ts-check
// B10 (b), a tool call's first output byte at a client: a Socket.IO client (the stock UI's face,
// `stream=true` so it gets the output deltas) and a V1 WebSocket client watch one conversation of a
// Parley server process; the bench sends the user's `run` action (`echo x`) over REST and times,
// from just before the request, until each client receives the first frame carrying the output
// (a streaming delta caused by the action, or its `run` observation), and until the observation.
// The peer, in this process, spawns the same command unsandboxed and times its first stdout byte.
// Parley and the peer alternate sample by sample, on the same clock.
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { benchSessionApiKey, now } from './realtime-payload.mjs';
import { spawnTimed } from './runtime-spawn.mjs';
import { latencySummary } from './store-stats.mjs';

/** How long one command may take before the sample fails the run. */
const sampleTimeoutMs = 60_000;

/**
 * @typedef {{
 *   socketIoFirst?: number,
 *   v1First?: number,
 *   observation?: number,
 *   v1Observation?: number,
 *   actionId?: number,
 *   startedAt: number,
 *   done: () => void,
 * }} Pending  one command on its way: when each client saw what (ms since startedAt)
 */

/**
 * Watches `conversationId` on both faces; `pending()` names the command under way, if any.
 * @param {number} port
 * @param {string} conversationId
 * @param {string} expected  the output to look for
 * @param {() => Pending | undefined} pending
 */
async function watch(port, conversationId, expected, pending) {
  const socket = io(`http://127.0.0.1:${port}`, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    query: {
      conversation_id: conversationId,
      latest_event_id: '-1',
      session_api_key: benchSessionApiKey,
      stream: 'true',
    },
  });
  const at = (/** @type {Pending} */ command) => now() - command.startedAt;
  socket.onAny((/** @type {string} */ name, /** @type {any} */ event) => {
    const command = pending();
    if (command === undefined || event === null || typeof event !== 'object') return;
    if (name === 'oh_event' && event.action === 'run' && event.source === 'user') {
      command.actionId ??= event.id;
      return;
    }
    if (command.actionId === undefined || event.cause !== command.actionId) return;
    const carries =
      (name === 'oh_delta' && String(event.streaming_delta?.content).includes(expected)) ||
      (event.observation === 'run' && String(event.content).includes(expected));
    if (carries) command.socketIoFirst ??= at(command);
    if (event.observation !== undefined) {
      command.observation ??= at(command);
      command.done();
    }
  });
  const url =
    `ws://127.0.0.1:${port}/sockets/events/${encodeURIComponent(conversationId)}` +
    `?session_api_key=${benchSessionApiKey}&stream=true`;
  const webSocket = new WebSocket(url, { perMessageDeflate: false });
  webSocket.on('message', (data) => {
    const command = pending();
    if (command === undefined) return;
    const event = JSON.parse(String(data));
    const observed = event.kind === 'ObservationEvent';
    const carries =
      (event.kind === 'StreamingDeltaEvent' && String(event.content).includes(expected)) ||
      (observed && String(event.observation?.output).includes(expected));
    if (carries) command.v1First ??= at(command);
    if (observed) {
      command.v1Observation ??= at(command);
      command.done();
    }
  });
  await Promise.all([
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', reject);
    }),
    new Promise((resolve, reject) => {
      webSocket.once('open', () => resolve(undefined));
      webSocket.once('error', reject);
    }),
  ]);
  return () => {
    socket.disconnect();
    webSocket.close();
  };
}

/**
 * Posts the run action and waits until both clients have its observation.
 * @param {number} port
 * @param {string} conversationId
 * @param {string} command
 * @param {(command: Pending | undefined) => void} setPending
 * @returns {Promise<Pending>}
 */
async function timeParleyCommand(port, conversationId, command, setPending) {
  /** @type {Pending} */
  let pending = { startedAt: 0, done: () => undefined };
  const finished = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no observation of ${command} within ${sampleTimeoutMs} ms`)),
      sampleTimeoutMs,
    );
    pending.done = () => {
      if (pending.observation === undefined || pending.v1Observation === undefined) return;
      clearTimeout(timer);
      resolve(undefined);
    };
  });
  setPending(pending);
  pending.startedAt = now();
  const response = await fetch(
    `http://127.0.0.1:${port}/api/conversations/${encodeURIComponent(conversationId)}/events`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-api-key': benchSessionApiKey },
      body: JSON.stringify({ action: 'run', args: { command } }),
    },
  );
  if (!response.ok) throw new Error(`run action: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
  try {
    await finished;
  } finally {
    setPending(undefined);
  }
  if (pending.socketIoFirst === undefined || pending.v1First === undefined) {
    throw new Error(`a client never received the output of ${command}: ${JSON.stringify(pending)}`);
  }
  return pending;
}

/**
 * `samples` commands through Parley and as many spawned by the peer, alternating.
 * @param {{ port: number, conversationId: string, server: { call: (method: string) => Promise<any> } }} target
 * @param {{ samples: number, command?: string, expected?: string }} options
 */
export async function measureFirstByte(target, options) {
  const { port, conversationId } = target;
  const command = options.command ?? 'echo x';
  const expected = options.expected ?? 'x';
  /** @type {Pending | undefined} */
  let current;
  const close = await watch(port, conversationId, expected, () => current);
  /** @type {Record<string, number[]>} */
  const times = { socketIo: [], v1: [], observation: [], spawn: [] };
  const cpuBefore = await target.server.call('cpu');
  try {
    for (let sample = 0; sample < options.samples; sample++) {
      const order = sample % 2 === 0 ? ['parley', 'spawn'] : ['spawn', 'parley'];
      for (const side of order) {
        if (side === 'spawn') {
          const timing = await spawnTimed(command);
          if (timing.firstByteMs === undefined) throw new Error(`${command} printed nothing`);
          times.spawn?.push(timing.firstByteMs);
          continue;
        }
        const seen = await timeParleyCommand(port, conversationId, command, (next) => {
          current = next;
        });
        times.socketIo?.push(/** @type {number} */ (seen.socketIoFirst));
        times.v1?.push(/** @type {number} */ (seen.v1First));
        times.observation?.push(/** @type {number} */ (seen.observation));
      }
    }
  } finally {
    close();
  }
  const cpuAfter = await target.server.call('cpu');
  const userMicros = cpuAfter.user - cpuBefore.user;
  const systemMicros = cpuAfter.system - cpuBefore.system;
  return {
    samples: options.samples,
    socketIo: latencySummary(times.socketIo ?? []),
    v1: latencySummary(times.v1 ?? []),
    observation: latencySummary(times.observation ?? []),
    spawn: latencySummary(times.spawn ?? []),
    serverCpuMicrosPerCommand: (userMicros + systemMicros) / options.samples,
    // The system share holds each spawn's fork of the whole server process.
    serverSystemCpuMicrosPerCommand: systemMicros / options.samples,
  };
}
