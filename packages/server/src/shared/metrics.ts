/**
 * Prometheus metrics. Each app builds its own `Metrics` (and with it its own prom-client
 * `Registry`), so two apps in one process — as in tests — never share counters. Other layers
 * record through the typed methods below and never touch prom-client themselves.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an LLM call ended. */
export type LlmCallOutcome = 'success' | 'error' | 'aborted' | 'timeout';

/** Which tokens a count refers to. */
export type LlmTokenKind = 'prompt' | 'completion' | 'cache_read' | 'cache_write' | 'reasoning';

export interface LlmLabels {
  /** Provider name, e.g. `openai`, `anthropic`, `demo`. */
  provider: string;
  model: string;
}

/** The realtime wire faces: Socket.IO (V0) and the raw WebSocket (V1). */
export type RealtimeFaceName = 'socket.io' | 'websocket';

/** Per-conversation state kept in memory: event streams (with their secrets) and agent loops. */
export type ConversationStatePart = 'event_stream' | 'agent_loop';

export interface HttpRequestLabels {
  method: string;
  /** The matched route pattern (`/api/conversations/:id`), never the raw URL. */
  route: string;
  statusCode: number;
}

export interface Metrics {
  /** The registry behind these metrics; `/metrics` renders it. */
  readonly registry: Registry;
  /** Records one finished HTTP request and how long it took, in seconds. */
  observeHttpRequest(labels: HttpRequestLabels, durationSeconds: number): void;
  /** Sets how many realtime sockets (Socket.IO and WebSocket) are open now. */
  setOpenSockets(count: number): void;
  /** Counts one realtime socket closed because its outbound buffer went over the cap. */
  recordSlowConsumerClosed(face: RealtimeFaceName): void;
  /** Adds `count` to the number of events committed to the log. */
  recordEventsAppended(count: number): void;
  /** Counts one finished LLM call (after its retries). */
  recordLlmCall(labels: LlmLabels & { outcome: LlmCallOutcome }): void;
  /** Counts one retry of an LLM call. */
  recordLlmRetry(labels: LlmLabels): void;
  /** Adds an LLM call's cost, in US dollars. */
  recordLlmCost(labels: LlmLabels, usd: number): void;
  /** Adds tokens of one kind used by an LLM call. */
  recordLlmTokens(labels: LlmLabels & { kind: LlmTokenKind }, count: number): void;
  /** Reads the live per-conversation states at each scrape (the last call wins). */
  watchConversationStates(read: () => Readonly<Record<ConversationStatePart, number>>): void;
  /** The Prometheus text exposition of every metric, with its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Collect prom-client's default process and Node.js metrics (default true). */
  defaultMetrics?: boolean;
}

/** Latency buckets, in seconds: from a cached read to a slow streamed call. */
const httpDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its response, in seconds.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: httpDurationBuckets,
    registers: [registry],
  });
  const openSockets = new Gauge({
    name: 'parley_open_sockets',
    help: 'Realtime sockets (Socket.IO and WebSocket) open now.',
    registers: [registry],
  });
  const slowConsumersClosed = new Counter({
    name: 'parley_realtime_slow_consumers_closed_total',
    help: 'Realtime sockets closed because their outbound buffer went over the cap.',
    labelNames: ['face'] as const,
    registers: [registry],
  });
  const eventsAppended = new Counter({
    name: 'parley_events_appended_total',
    help: 'Events committed to the event log.',
    registers: [registry],
  });
  const llmCalls = new Counter({
    name: 'parley_llm_calls_total',
    help: 'LLM calls, counted once each when they end (retries included in one call).',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers: [registry],
  });
  const llmRetries = new Counter({
    name: 'parley_llm_retries_total',
    help: 'Retries of LLM calls after a retryable failure.',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const llmCost = new Counter({
    name: 'parley_llm_cost_usd_total',
    help: 'Cost of LLM calls, in US dollars.',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  });
  const llmTokens = new Counter({
    name: 'parley_llm_tokens_total',
    help: 'Tokens used by LLM calls, by kind.',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers: [registry],
  });

  let readConversationStates: (() => Readonly<Record<ConversationStatePart, number>>) | undefined;
  new Gauge({
    name: 'parley_conversation_states',
    help: 'Conversations with state held in memory now, by part (an idle one holds none).',
    labelNames: ['part'] as const,
    registers: [registry],
    collect() {
      const counts = readConversationStates?.();
      if (counts === undefined) return;
      for (const [part, count] of Object.entries(counts)) this.set({ part }, count);
    },
  });

  return {
    registry,
    observeHttpRequest({ method, route, statusCode }, durationSeconds) {
      httpRequestDuration.observe(
        { method, route, status_code: String(statusCode) },
        durationSeconds,
      );
    },
    setOpenSockets(count) {
      openSockets.set(count);
    },
    recordSlowConsumerClosed(face) {
      slowConsumersClosed.inc({ face });
    },
    recordEventsAppended(count) {
      if (count > 0) eventsAppended.inc(count);
    },
    recordLlmCall({ provider, model, outcome }) {
      llmCalls.inc({ provider, model, outcome });
    },
    recordLlmRetry({ provider, model }) {
      llmRetries.inc({ provider, model });
    },
    recordLlmCost({ provider, model }, usd) {
      // A counter only goes up; a refund or a bad estimate must not throw inside a call path.
      if (usd > 0 && Number.isFinite(usd)) llmCost.inc({ provider, model }, usd);
    },
    recordLlmTokens({ provider, model, kind }, count) {
      if (count > 0 && Number.isFinite(count)) llmTokens.inc({ provider, model, kind }, count);
    },
    watchConversationStates(read) {
      readConversationStates = read;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
