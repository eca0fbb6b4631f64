// @ts-check
// One participant's share of a cluster-benchmark round (bench/cluster-bench.mjs describes the
// method): a fresh PostgreSQL database, N Parley processes (lib/cluster-server-child.mjs), HAProxy
// in front of them, and one client process (lib/realtime-clients.mjs, Socket.IO over the websocket
// transport) whose subscribers connect through HAProxy and so are spread round-robin over the
// processes. Then the fan-out phase (as fast as the slowest subscriber takes the events) and the
// paced phase (a fixed event rate, the same for every participant, with timed commands).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, redisUrl, startHaproxy } from './cluster-services.mjs';
import { benchSessionApiKey } from './realtime-payload.mjs';
import { startChild } from './realtime-rpc.mjs';

const serverEntry = fileURLToPath(new URL('./cluster-server-child.mjs', import.meta.url));
const clientsEntry = fileURLToPath(new URL('./realtime-clients.mjs', import.meta.url));

/**
 * @typedef {{
 *   quick: boolean,
 *   rounds: number,
 *   clients: number,
 *   events: number,
 *   window: number,
 *   burst: number,
 *   rate: number,
 *   pacedSeconds: number,
 *   commands: number,
 *   commandIntervalMs: number,
 *   participants: string[],
 *   json: string | undefined,
 *   pin: boolean,
 * }} ClusterOptions
 */

/** How many processes a participant runs and whether they share Redis. */
export const participantShapes =
  /** @type {Record<string, { processes: number, redis: boolean }>} */ ({
    single: { processes: 1, redis: false },
    'redis-1': { processes: 1, redis: true },
    'redis-2': { processes: 2, redis: true },
    'redis-3': { processes: 3, redis: true },
  });

/**
 * Runs `work` with the participant's processes started and behind HAProxy; stops everything after.
 * @template T
 * @param {string} participant
 * @param {import('./bench-program.mjs').Cores} cores
 * @param {(cluster: {
 *   servers: import('./realtime-rpc.mjs').Child[],
 *   clients: import('./realtime-rpc.mjs').Child,
 *   proxyPort: number,
 *   conversation: { id: string, latestId: number },
 * }) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withCluster(participant, cores, work) {
  const shape = participantShapes[participant];
  if (shape === undefined) throw new Error(`unknown participant ${participant}`);
  const database = await createBenchDatabase();
  const workspace = mkdtempSync(join(tmpdir(), 'parley-cluster-bench-workspaces-'));
  const secretsKey = randomBytes(32).toString('hex');
  /** @type {import('./realtime-rpc.mjs').Child[]} */
  const servers = [];
  /** @type {import('./realtime-rpc.mjs').Child | undefined} */
  let clients;
  /** @type {{ port: number, stop: () => Promise<void> } | undefined} */
  let proxy;
  /** @param {number} index */
  const environment = (index) => ({
    DATABASE_URL: database.url,
    ...(shape.redis ? { REDIS_URL: redisUrl } : {}),
    PARLEY_SECRETS_KEY: secretsKey,
    PARLEY_WORKSPACE_DIR: workspace,
    PARLEY_INSTANCE_ID: `bench-${participant}-${index + 1}`,
  });
  try {
    // The first process applies the migrations and creates the conversation; the others follow.
    servers.push(startChild(serverEntry, { core: cores.server }));
    const first = await servers[0]?.call(
      'start',
      { environment: environment(0), createConversation: true },
      120_000,
    );
    const ports = [first.port];
    for (let index = 1; index < shape.processes; index++) {
      const server = startChild(serverEntry, { core: cores.server });
      servers.push(server);
      ports.push((await server.call('start', { environment: environment(index) }, 120_000)).port);
    }
    const started = await startHaproxy(ports);
    proxy = started;
    clients = startChild(clientsEntry, { core: cores.clients });
    // The producer lives in the first process; it hears how far the slowest subscriber is.
    const producer = servers[0];
    clients.on('progress', (fully) => producer?.notify('progress', { fully }));
    return await work({
      servers,
      clients,
      proxyPort: started.port,
      conversation: first.conversation,
    });
  } finally {
    await clients?.stop();
    await proxy?.stop();
    for (const server of servers.reverse()) await server.stop();
    rmSync(workspace, { recursive: true, force: true });
    await database.drop();
  }
}

/** @param {import('./realtime-rpc.mjs').Child[]} servers */
async function cpuOf(servers) {
  const figures = await Promise.all(servers.map((server) => server.call('cpu')));
  return figures.map((figure) => figure.micros);
}

/**
 * @param {number[]} before
 * @param {number[]} after
 */
const spent = (before, after) =>
  after.reduce((sum, value, index) => sum + value - (before[index] ?? 0), 0);

/**
 * Measures one participant: fan-out phase, then paced phase with commands.
 * @param {string} participant
 * @param {ClusterOptions} options
 * @param {import('./bench-program.mjs').Cores} cores
 */
export function measureCluster(participant, options, cores) {
  return withCluster(participant, cores, async ({ servers, clients, proxyPort, conversation }) => {
    const producer = /** @type {import('./realtime-rpc.mjs').Child} */ (servers[0]);
    const subscribers = options.clients;
    await clients.call('connect', {
      kind: 'parley-socketio',
      port: proxyPort,
      count: subscribers,
      conversations: [conversation],
      apiKey: benchSessionApiKey,
      step: Math.max(1, Math.floor(options.window / 4)),
    });
    const stream = { conversationId: conversation.id, window: options.window };
    const warmUp = Math.max(20, Math.ceil(options.events / 10));
    await producer.call('produce', { ...stream, burst: options.burst, count: warmUp });
    await clients.call('waitFor', { count: warmUp });
    await producer.call('finishProduce');

    // Fan-out: as fast as the slowest subscriber takes them.
    let cpuBefore = await cpuOf(servers);
    await clients.call('record', { expected: subscribers * options.events });
    await producer.call('produce', { ...stream, burst: options.burst, count: options.events });
    const received = await clients.call('waitFor', { count: warmUp + options.events });
    const produced = await producer.call('finishProduce');
    let cpuAfter = await cpuOf(servers);
    const deliveries = subscribers * options.events;
    const seconds = (received.lastDeliveryAt - produced.startedAt) / 1000;
    const fanOut = {
      deliveriesPerSecond: deliveries / seconds,
      eventsPerSecond: options.events / seconds,
      serverMicrosPerDelivery: spent(cpuBefore, cpuAfter) / deliveries,
      p99Ms: received.latency.p99Ms,
      clientCpuUtilisation: received.cpuUtilisation,
      outOfOrder: received.outOfOrder,
      appendErrors: produced.errors,
      firstAppendError: produced.firstError,
    };

    // Paced: a fixed rate for everyone, with one more client's commands timed meanwhile.
    const { latestId } = await producer.call('latestId', { conversationId: conversation.id });
    cpuBefore = await cpuOf(servers);
    await clients.call('record', {
      expected: Math.ceil(subscribers * options.rate * (options.pacedSeconds + 30)),
    });
    await producer.call('pace', { ...stream, rate: options.rate });
    const commandsStartedAt = Date.now();
    const commandResult = await clients.call('commands', {
      count: options.commands,
      intervalMs: options.commandIntervalMs,
      conversation: { id: conversation.id, latestId },
      warmUp: 1,
      echoTimeoutMs: 10_000,
      countLost: true,
    });
    const rest = options.pacedSeconds * 1000 - (Date.now() - commandsStartedAt);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    const paced = await producer.call('stopPace');
    const pacedReceived = await clients.call('waitFor', { count: paced.total });
    cpuAfter = await cpuOf(servers);
    const pacedDeliveries = subscribers * paced.produced;
    return {
      processes: servers.length,
      subscribers,
      events: options.events,
      ...fanOut,
      pacedEventsPerSecond: paced.eventsPerSecond,
      pacedStalls: paced.stalls,
      pacedDeliveries,
      pacedMicrosPerDelivery: spent(cpuBefore, cpuAfter) / pacedDeliveries,
      pacedP50Ms: pacedReceived.latency.p50Ms,
      pacedP99Ms: pacedReceived.latency.p99Ms,
      pacedClientCpuUtilisation: pacedReceived.cpuUtilisation,
      pacedOutOfOrder: pacedReceived.outOfOrder,
      pacedAppendErrors: paced.errors,
      commandP50Ms: commandResult.p50Ms,
      commandP99Ms: commandResult.p99Ms,
      commands: commandResult.count,
      commandsLost: commandResult.lost,
    };
  });
}
