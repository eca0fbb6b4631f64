/** The typed, frozen configuration every service receives. Built only by `loadConfig`. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDirectory: string;
  /** Unset → the embedded SQLite file `<dataDirectory>/parley.db`. */
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly sessionApiKey: string | undefined;
  /** 32-byte key (hex or base64) sealing stored secrets; unset → `<dataDirectory>/secrets.key`. */
  readonly secretsKey: string | undefined;
  /** Lets `POST /api/conversations` take a client-chosen `conversation_id` (upstream's flag). */
  readonly allowSetConversationId: boolean;
  /** Empty → any localhost origin is allowed. */
  readonly permittedCorsOrigins: readonly string[];
  readonly llm: {
    readonly model: string;
    readonly apiKey: string | undefined;
    readonly baseUrl: string | undefined;
    /** Retries of one LLM call; the wait before retry n is clamp(multiplier·2^(n−1), min, max). */
    readonly retry: {
      /** Attempts in total, the first included (upstream's `num_retries`). */
      readonly maxAttempts: number;
      readonly minWaitMs: number;
      readonly maxWaitMs: number;
      readonly multiplierMs: number;
    };
    /** In ms; `Infinity` means no limit. */
    readonly timeouts: {
      /** Until the response headers arrive. */
      readonly connectMs: number;
      /** From the headers to the first token. */
      readonly firstTokenMs: number;
      /** Between chunks after the first token. */
      readonly idleMs: number;
    };
    /** Write one JSON file per LLM call under `<dataDirectory>/completions/`. */
    readonly logCompletions: boolean;
    /** The offline demo model's pause before each word, in ms. */
    readonly demoTokenDelayMs: number;
    /** Price-table entries (dollars per million tokens) by model id or `provider/id`. */
    readonly priceOverrides: Readonly<Record<string, LlmPrice>>;
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
  readonly rateLimit: {
    /** Requests per client IP per second served at once (the next as many wait 1 s); 0 = off. */
    readonly requestsPerSecond: number;
  };
  readonly realtime: {
    /** Bytes a socket may have waiting to be sent before it is closed as a slow consumer. */
    readonly outboundBufferBytes: number;
    /** Milliseconds between heartbeats carrying the conversation's latest event id. */
    readonly heartbeatIntervalMs: number;
    /** Client messages per socket per second, sustained. */
    readonly messagesPerSecond: number;
    /** Client messages a socket may send at once before the rate applies. */
    readonly messageBurst: number;
    /** How long a V1 socket without a key in its URL has to send its auth frame, in ms. */
    readonly authTimeoutMs: number;
    /** Bytes every replay together may hold in flight (pages read and not yet sent). */
    readonly replayBudgetBytes: number;
    /** How long a replay waits for its share of the budget before the client is refused, in ms. */
    readonly replayWaitMs: number;
  };
  readonly sandbox: SandboxConfig;
  /** Several processes on one PostgreSQL database (used only when `databaseUrl` is set). */
  readonly cluster: ClusterConfig;
  /** The conversation manager and its agent loops. */
  readonly conversations: {
    /** Agent loops per user; starting one more closes the least recently active. */
    readonly maxRunningPerUser: number;
    /** Idle time before a loop without connections is closed, in ms; 0 = never. */
    readonly closeDelayMs: number;
    /** How often idle loops are looked for, in ms. */
    readonly cleanupIntervalMs: number;
    /** LLM calls one turn may make. */
    readonly maxIterations: number;
    /** Streamed text is logged in chunks of at most this many ms of output … */
    readonly deltaIntervalMs: number;
    /** … or this many characters. */
    readonly deltaMaxChars: number;
    /** The context window assumed when trimming history, in tokens. */
    readonly contextWindowTokens: number;
    /** Ask the LLM for a conversation's title (else the first message, truncated). */
    readonly titleFromLlm: boolean;
  };
}

/** How the processes of a cluster share conversations (`conversations/cluster`, `events/`). */
export interface ClusterConfig {
  /** This process's name: the owner recorded in the leases it holds. */
  readonly instanceId: string;
  /** How long a lease holds without renewal; a dead owner's conversations wait this long. */
  readonly leaseTtlMs: number;
  /** How often the owner renews its leases (at most half the TTL). */
  readonly leaseRenewMs: number;
  /** How often each process looks for leases whose owner stopped renewing. */
  readonly takeoverIntervalMs: number;
  /** How often streams read the log's head while Redis is away (ten times less often otherwise). */
  readonly catchUpIntervalMs: number;
}

/** Where and how tool commands run (`runtime/`). Unset limits take the runtime's defaults. */
export interface SandboxConfig {
  /** `bubblewrap`, or `unsandboxed`: commands straight on the host, logged loudly. */
  readonly kind: 'bubblewrap' | 'unsandboxed';
  /** Workspaces are `<workspaceRoot>/<id>`. */
  readonly workspaceRoot: string;
  /** Let commands reach the network (bubblewrap); off by default. */
  readonly network: boolean;
  /**
   * Export each user's custom secrets to their commands as environment variables (upstream's
   * behaviour; masking hides them in output). Off by default: commands see no secret.
   */
  readonly exportSecrets: boolean;
  /** The unprivileged host user commands run as when Parley runs as root. */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly limits: {
    readonly timeoutMs?: number;
    readonly cpuSeconds?: number;
    readonly memoryBytes?: number;
    readonly processes?: number;
    readonly fileSizeBytes?: number;
    readonly outputBytes?: number;
  };
  /** Caps of the workspace file routes: one file (select-file, each upload) and the zip. */
  readonly files: { readonly maxFileBytes: number; readonly maxArchiveBytes: number };
}

/** Dollars per million tokens; the cache prices default to the input price. */
export interface LlmPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  readonly cacheReadPerMillion?: number;
  readonly cacheWritePerMillion?: number;
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
