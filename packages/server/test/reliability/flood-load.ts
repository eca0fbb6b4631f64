/**
 * R7's floods, all from 127.0.0.1: one Socket.IO client sending messages as fast as it can
 * (reconnecting whenever the limiter drops it), many sockets opened at once, and a burst of HTTP
 * requests through keep-alive connections. Each reports what the server answered.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { within } from './deadline.js';
import type { History } from './history.js';
import { httpProbe } from './http-probe.js';
import { SocketIoProbe, V1Probe } from './socket-probes.js';

export interface MessageFloodOutcome {
  sent: number;
  sessions: number;
  /** Error frames by code (`SOCKET_RATE_LIMITED` …). */
  readonly errors: Map<string, number>;
  /** Sessions the server ended (the limiter's disconnect). */
  disconnects: number;
  /** Messages that drew no error for certain: the first `burst` of each session. */
  certainlyAccepted: number;
}

/**
 * Sends `total` messages to `conversationId` as fast as the socket takes them. The first `burst`
 * of each session are accepted for certain (a fresh token bucket is full): they are recorded as
 * acknowledged writes, which the log must hold; the rest as writes of unknown outcome (at most
 * once in the log).
 */
export async function socketMessageFlood(options: {
  baseUrl: string;
  conversationId: string;
  total: number;
  burst: number;
  history: History;
  timeoutMs: number;
}): Promise<MessageFloodOutcome> {
  const outcome: MessageFloodOutcome = {
    sent: 0,
    sessions: 0,
    errors: new Map(),
    disconnects: 0,
    certainlyAccepted: 0,
  };
  const { history, conversationId } = options;
  while (outcome.sent < options.total) {
    const probe = new SocketIoProbe({
      baseUrl: options.baseUrl,
      conversationId,
      query: { latest_event_id: '1000000000' },
    });
    if (!(await within(probe.untilOpenOrEnded(), options.timeoutMs, 'flood connect'))) {
      throw new Error(`the flooding socket was refused: ${probe.ended ?? ''}`);
    }
    outcome.sessions += 1;
    let sessionSent = 0;
    while (probe.ended === undefined && outcome.sent < options.total) {
      for (let index = 0; index < 50 && outcome.sent < options.total; index++) {
        const token = history.token('r7-flood');
        probe.send({ action: 'message', args: { content: `flood ${token}` } });
        const certain = sessionSent < options.burst;
        void history.record('flooder', conversationId, token, () =>
          certain
            ? Promise.resolve({ acknowledged: true })
            : Promise.reject(new Error('sent past the burst: accepted or refused, unknown')),
        );
        if (certain) outcome.certainlyAccepted += 1;
        sessionSent += 1;
        outcome.sent += 1;
      }
      await yieldToLoop();
    }
    if (probe.ended === undefined) {
      // Everything was sent: wait for the server's last answers, then leave.
      await within(
        Promise.race([probe.untilEnded(), new Promise((resolve) => setTimeout(resolve, 1000))]),
        options.timeoutMs,
        'flood drain',
      );
    }
    // Ended before this side closed it: the server dropped it.
    if (probe.ended !== undefined) outcome.disconnects += 1;
    for (const frame of probe.errorFrames) {
      const code = /"code":"([A-Z_]+)"/.exec(frame)?.[1] ?? 'unknown';
      outcome.errors.set(code, (outcome.errors.get(code) ?? 0) + 1);
    }
    probe.close();
  }
  return outcome;
}

/** Opens `count` sockets (half Socket.IO, half V1) at once; `close` ends them. */
export async function socketOpenFlood(options: {
  baseUrl: string;
  conversationId: string;
  count: number;
  timeoutMs: number;
}): Promise<{ opened: number; refused: string[]; close(): number }> {
  const target = { baseUrl: options.baseUrl, conversationId: options.conversationId };
  const probes = Array.from({ length: options.count }, (_, index) =>
    index % 2 === 0
      ? new SocketIoProbe({ ...target, query: { latest_event_id: '1000000000' } })
      : new V1Probe(target),
  );
  const opened = await within(
    Promise.all(probes.map((probe) => probe.untilOpenOrEnded())),
    options.timeoutMs,
    'socket flood connect',
  );
  return {
    opened: opened.filter(Boolean).length,
    refused: probes.flatMap((probe) => (probe.ended === undefined ? [] : [probe.ended])),
    /** Closes them all; returns how many the server had closed by then. */
    close() {
      const closedByServer = probes.filter((probe) => probe.ended !== undefined).length;
      for (const probe of probes) probe.close();
      return closedByServer;
    },
  };
}

export interface BurstOutcome {
  readonly statuses: Map<number, number>;
  /** From the first request to the first 429, in ms (NaN: none). */
  readonly firstRefusalMs: number;
  readonly durationMs: number;
  readonly failures: number;
}

/** `count` GET requests over `concurrency` keep-alive connections, as fast as they go. */
export async function httpBurst(options: {
  baseUrl: string;
  paths: readonly string[];
  count: number;
  concurrency: number;
}): Promise<BurstOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const statuses = new Map<number, number>();
  let firstRefusalAt = Number.NaN;
  let failures = 0;
  let next = 0;
  const startedAt = performance.now();
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const path = options.paths[next % options.paths.length] as string;
      next += 1;
      try {
        const answer = await httpProbe(options.baseUrl, { method: 'GET', path, agent });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 429 && Number.isNaN(firstRefusalAt)) {
          firstRefusalAt = performance.now();
        }
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  agent.destroy();
  return {
    statuses,
    firstRefusalMs: firstRefusalAt - startedAt,
    durationMs: performance.now() - startedAt,
    failures,
  };
}
