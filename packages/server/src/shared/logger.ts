import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { SecretRegistry } from './secret-registry.js';

/** The logger every module receives; always a child with `{ module }` bindings. */
export type Logger = PinoLogger;

export interface LoggerOptions {
  level: string;
  json: boolean;
  /** Where lines go; defaults to standard output. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /**
   * Secret values to mask in every line, whatever its level or field (messages, bindings, `err`
   * messages and stacks, provider texts): the serialized line passes through the registry last.
   */
  secrets?: SecretRegistry;
}

/**
 * Paths pino replaces with "[redacted]" whatever their value; known secret values are masked
 * wherever they appear by the registry (`LoggerOptions.secrets`). Header names are lower-case in Node; keys and secrets are
 * listed wherever a request, a config object or an event may carry them.
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-session-api-key"]',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-session-api-key"]',
  'headers["x-api-key"]',
  '*.authorization',
  '*.Authorization',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'llm_api_key',
  '*.llm_api_key',
  'sessionApiKey',
  '*.sessionApiKey',
  'session_api_key',
  '*.session_api_key',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets;
  const pinoOptions = {
    level: options.level,
    base: { service: 'parley' },
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    ...(secrets === undefined
      ? {}
      : { hooks: { streamWrite: (line: string) => secrets.maskLogLine(line) } }),
  };
  if (options.destination !== undefined) return pino(pinoOptions, options.destination);
  if (options.json) return pino(pinoOptions);
  return pino(pinoOptions, PinoPretty({ colorize: process.stdout.isTTY, sync: true }));
}

/** A logger that discards everything, for tests and tools that do not want output. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
