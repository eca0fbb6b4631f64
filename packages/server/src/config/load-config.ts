import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ParleyError } from '../shared/errors.js';
import { logLevels, type Config } from './config.js';

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

/** One entry per environment variable: the name is the key, so errors can name it. */
const environmentSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PARLEY_DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: url(['postgres://', 'postgresql://']),
  REDIS_URL: url(['redis://', 'rediss://']),
  SESSION_API_KEY: optionalText,
  PERMITTED_CORS_ORIGINS: optionalText,
  LLM_MODEL: z.string().trim().min(1).default('demo'),
  LLM_API_KEY: optionalText,
  LLM_BASE_URL: url(['http://', 'https://']),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  LOG_JSON: booleanText.default(false),
  PARLEY_GROUP_COMMIT_MAX_EVENTS: positiveInteger.max(10_000).default(100),
  PARLEY_GROUP_COMMIT_MAX_DELAY_MS: nonNegativeNumber.max(1_000).default(0),
  PARLEY_SHUTDOWN_TIMEOUT_MS: positiveInteger.default(10_000),
});

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
    permittedCorsOrigins: (values.PERMITTED_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    llm: { model: values.LLM_MODEL, apiKey: values.LLM_API_KEY, baseUrl: values.LLM_BASE_URL },
    log: { level: values.LOG_LEVEL, json: values.LOG_JSON },
    storage: {
      groupCommitMaxEvents: values.PARLEY_GROUP_COMMIT_MAX_EVENTS,
      groupCommitMaxDelayMs: values.PARLEY_GROUP_COMMIT_MAX_DELAY_MS,
    },
    shutdownTimeoutMs: values.PARLEY_SHUTDOWN_TIMEOUT_MS,
  });
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
