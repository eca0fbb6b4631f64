import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createAccounts } from './auth/create-accounts.js';
import type { Config } from './config/config.js';
import type { EventStore } from './events/event-store.js';
import type { EventStreams } from './events/event-streams.js';
import type { EventTransport } from './events/event-transport.js';
import { createEventPipeline } from './events/create-event-pipeline.js';
import type { AgentLoops } from './conversations/agent-loops.js';
import type { ConversationStore } from './conversations/conversation-store.js';
import type { ConversationManager, ManagerTimers } from './conversations/conversation-manager.js';
import { createConversationServices } from './conversations/create-conversation-services.js';
import { recoverInterruptedConversations } from './conversations/interrupted-conversations.js';
import { createHttpServer } from './http/create-http-server.js';
import { isOriginAllowed } from './http/middleware/cors.js';
import { registerApi } from './http/register-api.js';
import { SingleUserAuth, type UserAuth } from './http/user-auth.js';
import type { RateLimitStore } from './http/middleware/rate-limit/rate-limit-store.js';
import { RateLimiter } from './http/middleware/rate-limit/rate-limiter.js';
import { createRateLimitStore } from './http/middleware/rate-limit/create-rate-limit-store.js';
import { createLanguageModels, type LanguageModels } from './llm/language-models.js';
import { RealtimeServer } from './realtime/realtime-server.js';
import { createSandbox, type Sandbox } from './runtime/create-sandbox.js';
import { shutdownOnce } from './app-shutdown.js';
import { createNotifier } from './realtime/create-notifier.js';
import { createLogger, type Logger } from './shared/logger.js';
import { createMetrics, type Metrics } from './shared/metrics.js';
import { SecretRegistry, urlCredentials } from './shared/secret-registry.js';
import type { Database } from './storage/database.js';
import { openServerDatabase } from './storage/data-directory-lock.js';

/** Replacements for the real parts, for tests. */
export interface AppOverrides {
  logger?: Logger;
  /** The registry of secret values to mask; pass the one `logger` masks with (tests). */
  secretRegistry?: SecretRegistry;
  database?: Database;
  transport?: EventTransport;
  /** Replaces the rate-limit store chosen from the config (memory, or Redis with REDIS_URL). */
  rateLimitStore?: RateLimitStore;
  /** Replaces the single local user (tests use it to act as several users). */
  userAuth?: UserAuth;
  /** The built web client to serve (default `packages/web/dist`, when it exists). */
  webClientDirectory?: string;
  /** Replaces the LLM factory built from `config.llm` (tests point it at a fake server). */
  languageModels?: LanguageModels;
  /** Replaces the conversation manager (tests of other layers use a log-only stand-in). */
  agentLoops?: (parts: { eventStreams: EventStreams }) => AgentLoops;
  /** Wraps the SQL conversation store (tests pause inside its calls). */
  conversationStore?: (store: ConversationStore) => ConversationStore;
  /** The conversation manager's clock (ms since the epoch) and cleanup timers. */
  now?: () => number;
  timers?: ManagerTimers;
}

/** The version the server reports (OpenAPI), from its own package.json, beside src/ and dist/. */
const parleyVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The web client's build output, next to this package (from `src/` and from `dist/` alike). */
const defaultWebClientDirectory = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly eventStore: EventStore;
  readonly eventStreams: EventStreams;
  readonly metrics: Metrics;
  /** Builds the `LanguageModel` for the server's default or a user's LLM settings. */
  readonly languageModels: LanguageModels;
  readonly http: FastifyInstance;
  /** Socket.IO and the V1 WebSocket on `http`'s server; the conversation manager's notifier. */
  readonly realtime: RealtimeServer;
  /** Where the agent's commands run and workspace files live (`config.sandbox`). */
  readonly sandbox: Sandbox;
  /** The agent loops (undefined when `overrides.agentLoops` replaced them). */
  readonly conversationManager: ConversationManager | undefined;
  /** Starts listening on the configured host and port (port 0 picks a free one). */
  listen(): Promise<ListeningAddress>;
  /**
   * Ordered, idempotent shutdown: stop accepting, flush appends, close the database. Rejects,
   * with the database closed all the same, when a part failed or did not close in time.
   */
  close(): Promise<void>;
}

/** The composition root: builds and wires every service. Nothing else constructs services. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  // Every secret value the process learns is registered here; logs, frames and error bodies mask
  // them on the way out (R14). The configuration's own come first.
  const secretRegistry = overrides.secretRegistry ?? new SecretRegistry();
  secretRegistry.set('config', [
    config.llm.apiKey,
    ...urlCredentials(config.llm.baseUrl),
    config.sessionApiKey,
    config.secretsKey,
    ...urlCredentials(config.databaseUrl),
    ...urlCredentials(config.redisUrl),
  ]);
  const logger =
    overrides.logger ??
    createLogger({ level: config.log.level, json: config.log.json, secrets: secretRegistry });
  // Several processes share conversations only on PostgreSQL with Redis between them.
  const clustered = config.databaseUrl !== undefined && config.redisUrl !== undefined;
  // With SQLite the data directory is locked first: a second process stops there.
  const opened =
    overrides.database === undefined
      ? await openServerDatabase({
          databaseUrl: config.databaseUrl,
          dataDirectory: config.dataDirectory,
          logger: logger.child({ module: 'storage' }),
        })
      : { database: overrides.database, close: async () => overrides.database?.close() };
  const { database } = opened;
  const { eventStore, transport, eventStreams } = createEventPipeline({
    database,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    instanceId: config.cluster.instanceId,
    ...config.storage,
    catchUpIntervalMs: config.cluster.catchUpIntervalMs,
    transport: overrides.transport,
    logger,
  });
  const sandbox = await createSandbox(config.sandbox, {
    dataDirectory: config.dataDirectory,
    logger: logger.child({ module: 'runtime' }),
  });
  const metrics = createMetrics();
  eventStore.onCommit((_conversationId, events) => metrics.recordEventsAppended(events.length));
  const requestsPerSecond = config.rateLimit.requestsPerSecond;
  const rateLimit = createRateLimitStore({
    requestsPerSecond,
    redisUrl: config.redisUrl,
    override: overrides.rateLimitStore,
    logger,
  });
  const rateLimitStore = rateLimit.store;
  const languageModels =
    overrides.languageModels ??
    createLanguageModels(config.llm, {
      logger,
      dataDirectory: config.dataDirectory,
      metrics,
    });
  let shuttingDown = false;
  const http = createHttpServer({
    logger,
    metrics,
    isShuttingDown: () => shuttingDown,
    permittedCorsOrigins: config.permittedCorsOrigins,
    corsLocalhostByDefault: config.auth.mode === 'none', // accounts: listed origins only
    rateLimit:
      rateLimitStore === undefined
        ? undefined
        : {
            limiter: new RateLimiter({
              store: rateLimitStore,
              limit: requestsPerSecond,
              logger: logger.child({ module: 'rate-limit' }),
            }),
          },
    dataDirectory: config.dataDirectory,
    webClientDirectory: overrides.webClientDirectory ?? defaultWebClientDirectory,
  });
  const services = createConversationServices(
    {
      secretsKey: config.secretsKey,
      dataDirectory: config.dataDirectory,
      defaultLlm: config.llm,
      allowSetConversationId: config.allowSetConversationId,
      conversationManager: config.conversations,
      exportSecretsToSandbox: config.sandbox.exportSecrets,
      workspaceFiles: config.sandbox.files,
      cluster: clustered ? config.cluster : undefined,
    },
    {
      database,
      eventStore,
      eventStreams,
      languageModels,
      logger,
      secretRegistry,
      sandbox,
      ...(overrides.agentLoops === undefined
        ? {}
        : { agentLoops: overrides.agentLoops({ eventStreams }) }),
      wrapConversationStore: overrides.conversationStore,
      ...(overrides.now === undefined ? {} : { now: overrides.now }),
      ...(overrides.timers === undefined ? {} : { timers: overrides.timers }),
    },
  );
  // A turn a crash cut short gets an explicit error state before any loop starts (R1). With
  // In a cluster other processes may be running theirs: a dead owner's are taken over instead.
  if (!clustered) {
    await recoverInterruptedConversations({
      database,
      eventStreams,
      logger: logger.child({ module: 'conversations' }),
    });
  }
  const accounts = createAccounts(config, { database }); // undefined: the single local user
  const userAuth = overrides.userAuth ?? accounts?.userAuth ?? new SingleUserAuth();
  await registerApi(http, {
    ...services,
    userAuth,
    accounts,
    sessionApiKey: config.sessionApiKey,
    defaultModel: config.llm.model,
    listModels: async () => [...new Set(['demo', config.llm.model])],
    version: parleyVersion,
    secretRegistry,
  });

  const realtime = new RealtimeServer({
    httpServer: http.server,
    eventStore,
    eventStreams,
    conversations: services.conversations,
    resolveUser: (headers, presentedKey) => userAuth.userIdFor({ headers, presentedKey }),
    keyRequired: accounts?.socketKeyRequired,
    sessionApiKey: config.sessionApiKey,
    isOriginAllowed: (origin) => isOriginAllowed(origin, config.permittedCorsOrigins, !accounts),
    settings: config.realtime,
    metrics,
    logger,
    secretRegistry,
  });
  const notices = createNotifier({
    local: realtime,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    instanceId: config.cluster.instanceId,
    maskJson: (line) => secretRegistry.maskLogLine(line),
    logger,
  });
  services.conversationManager?.setNotifier(notices.notifier);
  accounts?.onCredentialRevoked((userId) => realtime.disconnectUser(userId));
  metrics.watchConversationStates(() => ({
    event_stream: eventStreams.openCount,
    agent_loop: services.conversationManager?.runningConversations().length ?? 0,
  }));

  const close = shutdownOnce({
    logger,
    stopTakingWork: () => {
      shuttingDown = true;
    },
    agentLoops: services.agentLoops,
    eventStore,
    realtime,
    http,
    independent: [
      { name: 'rate-limit store', close: () => rateLimit.close() },
      { name: 'cluster notices', close: () => notices.close() },
      { name: 'event streams', close: () => eventStreams.close() },
      { name: 'event transport', close: () => transport.close() },
      { name: 'sandbox', close: () => sandbox.close() },
    ],
    independentTimeoutMs: config.shutdownTimeoutMs / 2,
    database: opened,
  });

  return {
    config,
    logger,
    database,
    eventStore,
    eventStreams,
    metrics,
    languageModels,
    http,
    realtime,
    conversationManager: services.conversationManager,
    sandbox,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info({ url, database: database.location }, 'Parley is listening');
      return { host: config.host, port, url };
    },
    close,
  };
}
