/** The typed, frozen configuration every service receives. Built only by `loadConfig`. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDirectory: string;
  /** Unset → the embedded SQLite file `<dataDirectory>/parley.db`. */
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly sessionApiKey: string | undefined;
  /** Empty → any localhost origin is allowed. */
  readonly permittedCorsOrigins: readonly string[];
  readonly llm: {
    readonly model: string;
    readonly apiKey: string | undefined;
    readonly baseUrl: string | undefined;
  };
  readonly log: {
    readonly level: LogLevel;
    readonly json: boolean;
  };
  readonly storage: {
    /** Largest number of events committed in one group-commit transaction. */
    readonly groupCommitMaxEvents: number;
    /** Longest an append waits for companions before its batch is committed, in ms. */
    readonly groupCommitMaxDelayMs: number;
  };
  /** How long graceful shutdown may take before the process exits anyway, in ms. */
  readonly shutdownTimeoutMs: number;
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
