import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString, LogFn } from 'pino';

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The part of a pino logger the lazy child needs from its parent. */
interface ParentLogger extends FastifyBaseLogger {
  isLevelEnabled(level: string): boolean;
}

/**
 * Fastify's `childLoggerFactory`: each request's logger (`request.log`, with `{ reqId }`) is built
 * only when something logs through it at an enabled level. A pino child is not cheap when redaction
 * is configured (pino redacts and serializes the bindings when the child is made, whatever the
 * level), and with request logging off most requests never log at all. A route with its own log
 * level or serializers gets its child at once, as with Fastify's default factory.
 */
export function lazyRequestLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) {
    return logger.child(bindings, options);
  }
  return new LazyChildLogger(logger as ParentLogger, bindings);
}

/**
 * A stand-in for `parent.child(bindings)` that makes the child on first use: a log call at a level
 * the parent has enabled, a `child()` call, or a level change. Until then it answers `level` and
 * skips disabled levels by asking the parent.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: ParentLogger;
  readonly #bindings: Bindings;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: ParentLogger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  get level(): LevelWithSilentOrString {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#materialize().level = level;
  }

  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#materialize().child(bindings, options);
  }

  /** Whether the logger has been built (for tests). */
  get materialized(): boolean {
    return this.#child !== undefined;
  }

  /** Logs through the child, built now if `level` is enabled; otherwise does nothing. */
  log(level: LevelName, args: Parameters<LogFn>): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return;
    const logger = this.#materialize();
    (logger[level] as (...parameters: unknown[]) => void)(...args);
  }

  #materialize(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings);
    return this.#child;
  }
}

// The log methods live on the prototype, so a request's logger is one small object.
for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) {
  LazyChildLogger.prototype[level] = function (this: LazyChildLogger, ...args: Parameters<LogFn>) {
    this.log(level, args);
  } as LogFn;
}
LazyChildLogger.prototype.silent = () => undefined;
