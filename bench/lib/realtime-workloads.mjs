// @ts-check
// The workloads of the realtime benchmark (bench/realtime-bench.mjs, which describes the method):
// for one participant, a fresh server process (lib/realtime-server-child.mjs) and a fresh client
// process (lib/realtime-clients.mjs), then B1 fan-out followed by B6 command latency on the same
// connections, or B4 idle connections, each returning the figures of its round.
import { fileURLToPath } from 'node:url';
import { benchSessionApiKey } from './realtime-payload.mjs';
import { profilePathFor } from './realtime-command-trace.mjs';
import { withChildren } from './realtime-rpc.mjs';
import { latencySummary } from './store-stats.mjs';

const serverEntry = fileURLToPath(new URL('./realtime-server-child.mjs', import.meta.url));
const clientsEntry = fileURLToPath(new URL('./realtime-clients.mjs', import.meta.url));

/**
 * @typedef {{
 *   quick: boolean,
 *   rounds: number,
 *   clients: number,
 *   events: number,
 *   window: number,
 *   burst: number,
 *   participants: string[],
 *   idle: number,
 *   conversations: number,
 *   commands: number,
 *   commandIntervalMs: number,
 *   textChars: number,
 *   only: string[],
 *   peersOnly: boolean,
 *   b6Profile: string | undefined,
 *   b6Rate: number | undefined,
 *   json: string | undefined,
 *   pin: boolean,
 * }} RealtimeOptions
 */

/**
 * A participant's two processes once its server has started, and the sockets the server closed.
 * @typedef {{
 *   server: import('./realtime-rpc.mjs').Child,
 *   clients: import('./realtime-rpc.mjs').Child,
 *   closed: object[],
 *   port: number,
 *   conversations: { id: string, latestId: number }[],
 * }} Pair
 */

/**
 * Runs `work` with a fresh server process and client process for one participant (progress relayed
 * from the clients to the server's producer, sockets the server closed collected in `closed`),
 * once the server has started; stops both afterwards.
 * @template T
 * @param {string} participant
 * @param {import('./bench-program.mjs').Cores} cores
 * @param {number} conversations
 * @param {(pair: Pair) => Promise<T>} work
 * @returns {Promise<T | { unavailable: string }>}
 */
function withPair(participant, cores, conversations, work) {
  const specs = {
    server: { entry: serverEntry, core: cores.server },
    clients: { entry: clientsEntry, core: cores.clients },
  };
  return withChildren(specs, async ({ server, clients }) => {
    /** @type {object[]} */
    const closed = [];
    clients.on('progress', (fully) => server.notify('progress', { fully }));
    clients.on('closed', (detail) => closed.push(detail));
    const started = await server.call('start', { participant, conversations }, 120_000);
    if (!started.available) return { unavailable: started.reason };
    return work({ server, clients, closed, ...started });
  });
}

/**
 * B1, then B6 on the same connections.
 * @param {string} participant
 * @param {RealtimeOptions} options
 * @param {import('./bench-program.mjs').Cores} cores
 */
export function fanOut(participant, options, cores) {
  return withPair(participant, cores, 1, async (pair) => {
    const conversation = pair.conversations[0];
    if (conversation === undefined) throw new Error('the server started without a conversation');
    const subscribers = options.clients;
    await pair.clients.call('connect', {
      kind: participant,
      port: pair.port,
      count: subscribers,
      conversations: [conversation],
      apiKey: benchSessionApiKey,
      step: Math.max(1, Math.floor(options.window / 4)),
    });
    const warmUp = Math.max(20, Math.ceil(options.events / 10));
    const produce = {
      conversationId: conversation.id,
      window: options.window,
      burst: options.burst,
      textChars: options.textChars,
    };
    await pair.server.call('produce', { ...produce, count: warmUp });
    await pair.clients.call('waitFor', { count: warmUp });
    await pair.server.call('finishProduce');

    await pair.clients.call('record', { expected: subscribers * options.events });
    await pair.server.call('produce', { ...produce, count: options.events });
    const received = await pair.clients.call('waitFor', { count: warmUp + options.events });
    const produced = await pair.server.call('finishProduce');
    const deliveries = subscribers * options.events;
    const seconds = (received.lastDeliveryAt - produced.startedAt) / 1000;
    /** @type {Record<string, any>} */
    const b1 = {
      subscribers,
      events: options.events,
      deliveriesPerSecond: deliveries / seconds,
      eventsPerSecond: options.events / seconds,
      serverMicrosPerDelivery: produced.cpuMicros / deliveries,
      serverUserMicrosPerDelivery: produced.cpuUserMicros / deliveries,
      p50Ms: received.latency.p50Ms,
      p99Ms: received.latency.p99Ms,
      maxMs: received.latency.maxMs,
      latencySamples: received.samples,
      clientCpuUtilisation: received.cpuUtilisation,
      clientBusy: received.cpuUtilisation > 0.9,
      outOfOrder: received.outOfOrder,
      appendErrors: produced.errors,
      firstAppendError: produced.firstError,
    };

    let b6;
    if (options.only.includes('b6')) {
      const rate = options.b6Rate ?? b1.eventsPerSecond / 2;
      await pair.server.call('pace', { ...produce, rate });
      await pair.server.call('traceCommands', {
        on: true,
        conversationId: conversation.id,
        profilePath:
          options.b6Profile === undefined
            ? undefined
            : profilePathFor(options.b6Profile, participant),
      });
      const { latestId } = await pair.server.call('latestId', { conversationId: conversation.id });
      const roundTrips = await pair.clients.call('commands', {
        count: options.commands,
        intervalMs: options.commandIntervalMs,
        textChars: options.textChars,
        conversation: { id: conversation.id, latestId },
        warmUp: 1,
      });
      const trace = await pair.server.call('traceCommands', { on: false });
      const load = await pair.server.call('stopPace');
      b6 = {
        commands: roundTrips.count,
        p50Ms: roundTrips.p50Ms,
        p99Ms: roundTrips.p99Ms,
        maxMs: roundTrips.maxMs,
        targetBackgroundEventsPerSecond: rate,
        backgroundEventsPerSecond: load.eventsPerSecond,
        backgroundDeliveriesPerSecond: load.eventsPerSecond * subscribers,
        backgroundStalls: load.stalls,
        serverCpuUtilisation: load.cpuMicros / 1000 / load.wallMs,
        appendErrors: load.errors,
        serverStages: trace.available ? commandStages(trace, roundTrips.roundTrips) : undefined,
      };
    }
    b1.socketsClosedEarly = pair.closed.length;
    return { b1, b6 };
  });
}

/**
 * B4: idle connections, the server's memory before and after.
 * @param {string} participant
 * @param {RealtimeOptions} options
 * @param {import('./bench-program.mjs').Cores} cores
 */
export function idleConnections(participant, options, cores) {
  return withPair(participant, cores, options.conversations, async (pair) => {
    const before = await pair.server.call('memory');
    const connected = await pair.clients.call('connect', {
      kind: participant,
      port: pair.port,
      count: options.idle,
      conversations: pair.conversations,
      apiKey: benchSessionApiKey,
    });
    // Let any work triggered by the joins (replays of the fresh conversations, timers) settle.
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 1_000));
    const after = await pair.server.call('memory');
    // A socket the server closed after its handshake would still count in connects/s and divide
    // the memory figures while holding none of it: such a measurement is void.
    if (pair.closed.length > 0) {
      throw new Error(
        `B4 ${participant}: ${pair.closed.length} of ${options.idle} connections were closed by the ` +
          `server before the memory sample (first: ${JSON.stringify(pair.closed[0])})`,
      );
    }
    return {
      connections: options.idle,
      conversations: options.conversations,
      connectsPerSecond: connected.connectsPerSecond,
      rssBytesPerConnection: (after.rss - before.rss) / options.idle,
      heapBytesPerConnection: (after.heapUsed - before.heapUsed) / options.idle,
      externalBytesPerConnection: (after.external - before.external) / options.idle,
      before,
      after,
      socketsClosedEarly: pair.closed.length,
    };
  });
}

/**
 * B6 on Parley: the per-stage summaries from the server's trace (lib/realtime-command-trace.mjs),
 * plus the last stage, hub → client (the fan-out ahead of the command's socket, the send and the
 * client process), from each command's round trip.
 * @param {{ commands: Record<string, any>, stages: object, eventLoopDelay: object }} trace  from the server's traceCommands
 * @param {number[]} roundTrips  each timed command's round trip, by seq
 */
function commandStages(trace, roundTrips) {
  const hubToClient = [];
  const sendToClient = [];
  const perCommand = [];
  /** @type {(from: number | undefined, to: number | undefined) => number | undefined} */
  const gap = (from, to) =>
    from === undefined || to === undefined ? undefined : Math.round((to - from) * 100) / 100;
  for (const [seq, entry] of Object.entries(trace.commands)) {
    const roundTrip = roundTrips[Number(seq)];
    if (roundTrip === undefined) continue;
    const receivedAt = entry.sentAt + roundTrip;
    if (entry.hubAt !== undefined) hubToClient.push(receivedAt - entry.hubAt);
    if (entry.fanOutEndedAt !== undefined) sendToClient.push(receivedAt - entry.fanOutEndedAt);
    perCommand.push({
      seq: Number(seq),
      roundTripMs: Math.round(roundTrip * 100) / 100,
      toServer: gap(entry.sentAt, entry.receivedAt),
      dispatch: gap(entry.receivedAt, entry.appendedAt),
      commitWait: gap(entry.appendedAt, entry.writeStartedAt),
      write: gap(entry.writeStartedAt, entry.writeEndedAt),
      toHub: gap(entry.writeEndedAt, entry.hubAt),
      hubBacklog: gap(entry.hubAt, entry.fanOutStartedAt),
      fanOut: gap(entry.fanOutStartedAt, entry.fanOutEndedAt),
      toClient: gap(entry.fanOutEndedAt, receivedAt),
    });
  }
  perCommand.sort((a, b) => b.roundTripMs - a.roundTripMs);
  return {
    ...trace.stages,
    hubToClient: { ...latencySummary(hubToClient), samples: hubToClient.length },
    sendToClient: { ...latencySummary(sendToClient), samples: sendToClient.length },
    eventLoopDelay: trace.eventLoopDelay,
    slowest: perCommand.slice(0, 5),
  };
}
