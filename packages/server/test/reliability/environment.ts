/**
 * What one scenario run needs around Parley: a temporary directory, a fresh database (a SQLite
 * file there, or a new PostgreSQL database), the fake OpenAI-compatible provider, and the server
 * processes it starts, all removed again by `cleanup`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startFakeLlmServer,
  type FakeLlmServer,
  type FakeLlmServerOptions,
} from '../support/fake-llm-server.js';
import { adminQuery, postgresAdminUrl } from '../support/test-databases.js';
import { History } from './history.js';
import { readStoredLogs, type StoredLogs } from './log-reader.js';
import type { DatabaseKind } from './scenario.js';
import { ServerProcess } from './server-process.js';

export const testApiKey = 'sk-reliability-0123456789abcdef';

export class ScenarioEnvironment {
  readonly directory: string;
  readonly dataDirectory: string;
  readonly database: DatabaseKind;
  readonly databaseUrl: string | undefined;
  readonly llm: FakeLlmServer;
  readonly history = new History();
  readonly servers: ServerProcess[] = [];
  #databaseName: string | undefined;

  private constructor(options: {
    directory: string;
    database: DatabaseKind;
    databaseUrl: string | undefined;
    databaseName: string | undefined;
    llm: FakeLlmServer;
  }) {
    this.directory = options.directory;
    this.dataDirectory = join(options.directory, 'data');
    this.database = options.database;
    this.databaseUrl = options.databaseUrl;
    this.#databaseName = options.databaseName;
    this.llm = options.llm;
  }

  static async create(
    database: DatabaseKind,
    llmOptions: FakeLlmServerOptions = {},
  ): Promise<ScenarioEnvironment> {
    const directory = mkdtempSync(join(tmpdir(), 'parley-reliability-'));
    let databaseUrl: string | undefined;
    let databaseName: string | undefined;
    if (database === 'postgres') {
      databaseName = `parley_reliability_${process.pid}_${randomBytes(4).toString('hex')}`;
      await adminQuery(`CREATE DATABASE ${databaseName}`);
      const url = new URL(postgresAdminUrl);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
    const llm = await startFakeLlmServer(llmOptions);
    return new ScenarioEnvironment({ directory, database, databaseUrl, databaseName, llm });
  }

  /** The environment every scenario's server gets; `overrides` win. */
  serverEnvironment(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      PARLEY_DATA_DIR: this.dataDirectory,
      ...(this.databaseUrl === undefined ? {} : { DATABASE_URL: this.databaseUrl }),
      LOG_LEVEL: 'warn',
      PARLEY_RATE_LIMIT_PER_SECOND: '0',
      LLM_MODEL: 'openai/gpt-reliability',
      LLM_BASE_URL: this.llm.baseUrl,
      LLM_API_KEY: testApiKey,
      PARLEY_TITLE_FROM_LLM: 'false',
      PARLEY_DELTA_INTERVAL_MS: '10',
      LLM_RETRY_MIN_WAIT_MS: '20',
      LLM_RETRY_MAX_WAIT_MS: '200',
      LLM_RETRY_MULTIPLIER_MS: '20',
      ...overrides,
    };
  }

  async startServer(
    overrides: Readonly<Record<string, string>> = {},
    nodeOptions: readonly string[] = [],
  ): Promise<ServerProcess> {
    const server = await ServerProcess.start({
      env: this.serverEnvironment(overrides),
      cwd: this.directory,
      nodeOptions,
    });
    this.servers.push(server);
    return server;
  }

  /** Server processes that ended without being told to. */
  get crashes(): number {
    return this.servers.filter((server) => server.crashed).length;
  }

  get peakRssBytes(): number {
    return Math.max(0, ...this.servers.map((server) => server.peakRssBytes));
  }

  readLogs(): Promise<StoredLogs> {
    return readStoredLogs({ databaseUrl: this.databaseUrl, dataDirectory: this.dataDirectory });
  }

  async cleanup(): Promise<void> {
    for (const server of this.servers) if (server.alive) await server.stop('SIGKILL');
    await this.llm.close();
    if (this.#databaseName !== undefined) {
      await adminQuery(`DROP DATABASE IF EXISTS ${this.#databaseName} WITH (FORCE)`);
    }
    rmSync(this.directory, { recursive: true, force: true });
  }
}
