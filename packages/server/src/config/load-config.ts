import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ParleyError } from '../shared/errors.js';
import { checkLeaseTimes, clusterConfig, clusterEnvironment } from './cluster-config.js';
import { logLevels, type Config, type LlmPrice } from './config.js';

export type Environment = Readonly<Record<string, string | undefined>>;

const booleanText = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInteger = z.coerce.number().int().positive();
const nonNegativeNumber = z.coerce.number().nonnegative();
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const url = (protocols: readonly string[]) =>
  optionalText.refine(
    (value) => value === undefined || protocols.some((protocol) => value.startsWith(protocol)),
    { message: `must start with ${protocols.join(' or ')}` },
  );

/** Milliseconds up to 2^31 − 1 (the timer limit); 0 means no limit and becomes `Infinity`. */
const timeoutMs = z.coerce
  .number()
  .int()
  .min(0)
  .max(2_147_483_647)
  .transform((value) => (value === 0 ? Infinity : value));
const price = z.number().nonnegative();
/** `{"<model>": {"input": n, "output": n, "cacheRead"?: n, "cacheWrite"?: n}}`, dollars per million tokens. */
const llmPrices = optionalText.transform((text, context): Record<string, LlmPrice> => {
  if (text === undefined) return {};
  try {
    return parsePrices(JSON.parse(text));
  } catch {
    context.addIssue({
      code: 'custom',
      message:
        'must be JSON like {"openai/gpt-4o": {"input": 2.5, "output": 10, "cacheRead": 1.25}} (dollars per million tokens)',
    });
    return z.NEVER;
  }
});

function parsePrices(value: unknown): Record<string, LlmPrice> {
  const entries = z
    .record(
      z.string().min(1),
      z.strictObject({
        input: price,
        output: price,
        cacheRead: price.optional(),
        cacheWrite: price.optional(),
      }),
    )
    .parse(value);
  return Object.fromEntries(
    Object.entries(entries).map(([model, entry]) => [
      model,
      {
        inputPerMillion: entry.input,
        outputPerMillion: entry.output,
        ...(entry.cacheRead === undefined ? {} : { cacheReadPerMillion: entry.cacheRead }),
        ...(entry.cacheWrite === undefined ? {} : { cacheWritePerMillion: entry.cacheWrite }),
      },
    ]),
  );
}

/** One entry per environment variable: the name is the key, so errors can name it. */
const environmentSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    PARLEY_DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: url(['postgres://', 'postgresql://']),
    REDIS_URL: url(['redis://', 'rediss://']),
    SESSION_API_KEY: optionalText,
    PARLEY_SECRETS_KEY: optionalText.refine(
      (value) =>
        value === undefined ||
        /^[0-9a-fA-F]{64}$/.test(value) ||
        Buffer.from(value, 'base64').length === 32,
      { message: 'must be 32 bytes as 64 hex digits or base64' },
    ),
    ALLOW_SET_CONVERSATION_ID: booleanText.default(false),
    PERMITTED_CORS_ORIGINS: optionalText,
    LLM_MODEL: z.string().trim().min(1).default('demo'),
    LLM_API_KEY: optionalText,
    LLM_BASE_URL: url(['http://', 'https://']),
    LLM_NUM_RETRIES: positiveInteger.max(100).default(5),
    LLM_RETRY_MIN_WAIT_MS: nonNegativeNumber.default(8_000),
    LLM_RETRY_MAX_WAIT_MS: nonNegativeNumber.default(64_000),
    LLM_RETRY_MULTIPLIER_MS: nonNegativeNumber.default(8_000),
    LLM_CONNECT_TIMEOUT_MS: timeoutMs.default(30_000),
    LLM_FIRST_TOKEN_TIMEOUT_MS: timeoutMs.default(180_000),
    LLM_IDLE_TIMEOUT_MS: timeoutMs.default(60_000),
    LOG_COMPLETIONS: booleanText.default(false),
    PARLEY_DEMO_TOKEN_DELAY_MS: nonNegativeNumber.max(10_000).default(30),
    LLM_PRICES: llmPrices,
    LOG_LEVEL: z.enum(logLevels).default('info'),
    LOG_JSON: booleanText.default(false),
    PARLEY_GROUP_COMMIT_MAX_EVENTS: positiveInteger.max(10_000).default(100),
    PARLEY_GROUP_COMMIT_MAX_DELAY_MS: nonNegativeNumber.max(1_000).default(0),
    PARLEY_SHUTDOWN_TIMEOUT_MS: positiveInteger.default(10_000),
    PARLEY_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).max(1_000_000).default(10),
    PARLEY_OUTBOUND_BUFFER_BYTES: positiveInteger.min(1024).default(8 * 1024 * 1024),
    PARLEY_HEARTBEAT_INTERVAL_MS: positiveInteger.min(10).max(3_600_000).default(15_000),
    PARLEY_SOCKET_MESSAGES_PER_SECOND: positiveInteger.max(100_000).default(20),
    PARLEY_SOCKET_MESSAGE_BURST: positiveInteger.max(100_000).default(40),
    PARLEY_SOCKET_AUTH_TIMEOUT_MS: positiveInteger.min(10).max(600_000).default(10_000),
    PARLEY_REPLAY_BUDGET_BYTES: positiveInteger.min(1024 * 1024).default(64 * 1024 * 1024),
    // Below Socket.IO's 45 s connect timeout, which the connect middleware's wait counts against.
    PARLEY_REPLAY_WAIT_MS: positiveInteger.min(10).max(40_000).default(10_000),
    PARLEY_MAX_RUNNING_CONVERSATIONS: positiveInteger.max(10_000).default(3),
    PARLEY_CLOSE_DELAY_SECONDS: nonNegativeNumber.max(31_536_000).default(3_600),
    PARLEY_CLEANUP_INTERVAL_MS: positiveInteger.min(10).max(3_600_000).default(15_000),
    PARLEY_MAX_ITERATIONS: positiveInteger.max(100_000).default(500),
    PARLEY_DELTA_INTERVAL_MS: positiveInteger.max(10_000).default(50),
    PARLEY_DELTA_MAX_CHARS: positiveInteger.max(1_000_000).default(400),
    PARLEY_CONTEXT_WINDOW_TOKENS: positiveInteger.min(1_000).default(128_000),
    PARLEY_TITLE_FROM_LLM: booleanText.default(true),
    PARLEY_SANDBOX: z.enum(['bubblewrap', 'unsandboxed']).default('bubblewrap'),
    PARLEY_WORKSPACE_DIR: optionalText,
    PARLEY_SANDBOX_NETWORK: booleanText.default(false),
    PARLEY_SANDBOX_EXPORT_SECRETS: booleanText.default(false),
    PARLEY_SANDBOX_USER: z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,9}:[1-9]\d{0,9}$/, 'must be uid:gid, both unprivileged (not 0)')
      .default('65534:65534'),
    PARLEY_SANDBOX_TIMEOUT_MS: positiveInteger.max(2_147_483_647).optional(),
    PARLEY_SANDBOX_CPU_SECONDS: positiveInteger.optional(),
    PARLEY_SANDBOX_MEMORY_BYTES: positiveInteger.min(64 * 1024 * 1024).optional(),
    PARLEY_SANDBOX_PROCESSES: positiveInteger.max(1_000_000).optional(),
    PARLEY_SANDBOX_FILE_SIZE_BYTES: positiveInteger.optional(),
    PARLEY_SANDBOX_OUTPUT_BYTES: positiveInteger.min(1024).optional(),
    PARLEY_WORKSPACE_FILE_MAX_BYTES: positiveInteger.default(10 * 1024 * 1024),
    PARLEY_WORKSPACE_ARCHIVE_MAX_BYTES: positiveInteger.max(2 ** 31).default(256 * 1024 * 1024),
    ...clusterEnvironment,
  })
  .superRefine(checkLeaseTimes);

/**
 * Reads the configuration from `environment` (normally `process.env`) merged over a `.env` file in
 * the working directory, if one exists. Real environment variables win over the file. A bad value
 * throws a ParleyError(CONFIG_INVALID) whose message is one line naming the variable.
 */
export function loadConfig(
  environment: Environment,
  options: { dotenvPath?: string | false } = {},
): Config {
  const fromFile = readDotenv(options.dotenvPath ?? resolve('.env'));
  // An empty value means "unset", so `PORT=` falls back to the default instead of port 0.
  const merged = definedOnly({ ...fromFile, ...definedOnly(environment) });
  const parsed = environmentSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const shown =
      merged[variable] === undefined ? '' : ` (got ${JSON.stringify(merged[variable])})`;
    throw new ParleyError(
      'CONFIG_INVALID',
      `Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}${shown}`,
    );
  }
  const values = parsed.data;
  return deepFreeze({
    port: values.PORT,
    host: values.HOST,
    dataDirectory: resolve(values.PARLEY_DATA_DIR),
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    sessionApiKey: values.SESSION_API_KEY,
    secretsKey: values.PARLEY_SECRETS_KEY,
    allowSetConversationId: values.ALLOW_SET_CONVERSATION_ID,
    permittedCorsOrigins: (values.PERMITTED_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    llm: {
      model: values.LLM_MODEL,
      apiKey: values.LLM_API_KEY,
      baseUrl: values.LLM_BASE_URL,
      retry: {
        maxAttempts: values.LLM_NUM_RETRIES,
        minWaitMs: values.LLM_RETRY_MIN_WAIT_MS,
        maxWaitMs: values.LLM_RETRY_MAX_WAIT_MS,
        multiplierMs: values.LLM_RETRY_MULTIPLIER_MS,
      },
      timeouts: {
        connectMs: values.LLM_CONNECT_TIMEOUT_MS,
        firstTokenMs: values.LLM_FIRST_TOKEN_TIMEOUT_MS,
        idleMs: values.LLM_IDLE_TIMEOUT_MS,
      },
      logCompletions: values.LOG_COMPLETIONS,
      demoTokenDelayMs: values.PARLEY_DEMO_TOKEN_DELAY_MS,
      priceOverrides: values.LLM_PRICES,
    },
    log: { level: values.LOG_LEVEL, json: values.LOG_JSON },
    storage: {
      groupCommitMaxEvents: values.PARLEY_GROUP_COMMIT_MAX_EVENTS,
      groupCommitMaxDelayMs: values.PARLEY_GROUP_COMMIT_MAX_DELAY_MS,
    },
    shutdownTimeoutMs: values.PARLEY_SHUTDOWN_TIMEOUT_MS,
    rateLimit: { requestsPerSecond: values.PARLEY_RATE_LIMIT_PER_SECOND },
    realtime: {
      outboundBufferBytes: values.PARLEY_OUTBOUND_BUFFER_BYTES,
      heartbeatIntervalMs: values.PARLEY_HEARTBEAT_INTERVAL_MS,
      messagesPerSecond: values.PARLEY_SOCKET_MESSAGES_PER_SECOND,
      messageBurst: values.PARLEY_SOCKET_MESSAGE_BURST,
      authTimeoutMs: values.PARLEY_SOCKET_AUTH_TIMEOUT_MS,
      replayBudgetBytes: values.PARLEY_REPLAY_BUDGET_BYTES,
      replayWaitMs: values.PARLEY_REPLAY_WAIT_MS,
    },
    sandbox: {
      kind: values.PARLEY_SANDBOX,
      workspaceRoot: resolve(
        values.PARLEY_WORKSPACE_DIR ?? join(values.PARLEY_DATA_DIR, 'workspaces'),
      ),
      network: values.PARLEY_SANDBOX_NETWORK,
      exportSecrets: values.PARLEY_SANDBOX_EXPORT_SECRETS,
      user: sandboxUser(values.PARLEY_SANDBOX_USER),
      limits: definedEntries({
        timeoutMs: values.PARLEY_SANDBOX_TIMEOUT_MS,
        cpuSeconds: values.PARLEY_SANDBOX_CPU_SECONDS,
        memoryBytes: values.PARLEY_SANDBOX_MEMORY_BYTES,
        processes: values.PARLEY_SANDBOX_PROCESSES,
        fileSizeBytes: values.PARLEY_SANDBOX_FILE_SIZE_BYTES,
        outputBytes: values.PARLEY_SANDBOX_OUTPUT_BYTES,
      }),
      files: {
        maxFileBytes: values.PARLEY_WORKSPACE_FILE_MAX_BYTES,
        maxArchiveBytes: values.PARLEY_WORKSPACE_ARCHIVE_MAX_BYTES,
      },
    },
    cluster: clusterConfig(values),
    conversations: {
      maxRunningPerUser: values.PARLEY_MAX_RUNNING_CONVERSATIONS,
      closeDelayMs: values.PARLEY_CLOSE_DELAY_SECONDS * 1000,
      cleanupIntervalMs: values.PARLEY_CLEANUP_INTERVAL_MS,
      maxIterations: values.PARLEY_MAX_ITERATIONS,
      deltaIntervalMs: values.PARLEY_DELTA_INTERVAL_MS,
      deltaMaxChars: values.PARLEY_DELTA_MAX_CHARS,
      contextWindowTokens: values.PARLEY_CONTEXT_WINDOW_TOKENS,
      titleFromLlm: values.PARLEY_TITLE_FROM_LLM,
    },
  });
}

function sandboxUser(text: string): { uid: number; gid: number } {
  const [uid, gid] = text.split(':').map(Number);
  return { uid: uid ?? 65534, gid: gid ?? 65534 };
}

function definedEntries<T extends Record<string, number | undefined>>(
  entries: T,
): { [K in keyof T]?: number } {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: number;
  };
}

function readDotenv(path: string | false): Record<string, string> {
  if (path === false) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ParleyError('CONFIG_INVALID', `Invalid configuration: cannot read ${path}`, {
      cause: error,
    });
  }
  return parseDotenv(text);
}

function definedOnly(environment: Environment): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
