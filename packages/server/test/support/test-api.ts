import { rmSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { createApp, type App } from '../../src/app.js';
import type { Environment } from '../../src/config/load-config.js';
import type { ManagerTimers } from '../../src/conversations/conversation-manager.js';
import type { ConversationStore } from '../../src/conversations/conversation-store.js';
import type { UserAuth } from '../../src/http/user-auth.js';
import { createSilentLogger, type Logger } from '../../src/shared/logger.js';
import type { SecretRegistry } from '../../src/shared/secret-registry.js';
import { LogOnlyAgentLoops } from './log-only-agent-loops.js';
import { createTestConfig } from './test-config.js';
import type { TestDatabase, TestDatabaseBackend } from './test-databases.js';

export interface TestApiOptions {
  env?: Environment;
  logger?: Logger;
  /** The registry `logger` masks with (see `createCapturingLogger`). */
  secretRegistry?: SecretRegistry;
  userAuth?: UserAuth;
  /**
   * `manager` (default): the real conversation manager and agent loops. `log-only`: a stand-in
   * that only records client actions, for tests of the faces over fixed logs.
   */
  agentLoops?: 'manager' | 'log-only';
  /** The conversation manager's clock and cleanup timers. */
  now?: () => number;
  timers?: ManagerTimers;
  /** Wraps the SQL conversation store (see `PausingConversationStore`). */
  conversationStore?: (store: ConversationStore) => ConversationStore;
}

/** A whole app on a fresh test database of one backend, driven through `app.http.inject()`. */
export interface TestApi {
  app: App;
  testDatabase: TestDatabase;
  /**
   * Closes the app and builds a new one over the same database (reopened), with a fresh data
   * directory and `options` (for example another secrets key).
   */
  restart(options?: TestApiOptions): Promise<App>;
  /** Closes every app built, removes the test database and every data directory. */
  cleanup(): Promise<void>;
}

export async function createTestApi(
  backend: TestDatabaseBackend,
  options: TestApiOptions = {},
): Promise<TestApi> {
  const testDatabase = await backend.create();
  const apps: App[] = [];
  const dataDirectories: string[] = [];
  const build = async (buildOptions: TestApiOptions, database = testDatabase.database) => {
    const config = createTestConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '0', ...buildOptions.env });
    dataDirectories.push(config.dataDirectory);
    const app = await createApp(config, {
      database,
      logger: buildOptions.logger ?? createSilentLogger(),
      ...(buildOptions.secretRegistry === undefined
        ? {}
        : { secretRegistry: buildOptions.secretRegistry }),
      ...(buildOptions.userAuth === undefined ? {} : { userAuth: buildOptions.userAuth }),
      ...(buildOptions.agentLoops === 'log-only'
        ? { agentLoops: ({ eventStreams }) => new LogOnlyAgentLoops({ eventStreams }) }
        : {}),
      ...(buildOptions.now === undefined ? {} : { now: buildOptions.now }),
      ...(buildOptions.timers === undefined ? {} : { timers: buildOptions.timers }),
      ...(buildOptions.conversationStore === undefined
        ? {}
        : { conversationStore: buildOptions.conversationStore }),
    });
    apps.push(app);
    return app;
  };
  let app: App;
  try {
    app = await build(options);
  } catch (error) {
    await testDatabase.cleanup();
    for (const directory of dataDirectories) rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const api: TestApi = {
    app,
    testDatabase,
    async restart(restartOptions = {}) {
      for (const built of apps) await built.close();
      api.app = await build(
        { agentLoops: options.agentLoops, ...restartOptions },
        await testDatabase.reopen(),
      );
      return api.app;
    },
    async cleanup() {
      for (const built of apps) await built.close();
      await testDatabase.cleanup();
      for (const directory of dataDirectories) {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
  return api;
}

/** A response with its body parsed as JSON (undefined when it is not JSON). */
export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  body: unknown;
}

/** Sends one request through `inject`, JSON-encoding an object `payload`. */
export async function request(
  app: App,
  method: NonNullable<InjectOptions['method']>,
  url: string,
  options: { payload?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const response = await app.http.inject({
    method,
    url,
    headers: options.headers,
    ...(options.payload === undefined
      ? {}
      : typeof options.payload === 'string'
        ? { payload: options.payload }
        : { payload: options.payload as object }),
  });
  let body: unknown;
  try {
    body = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text: response.body, body };
}

/** Creates a conversation through `POST /api/conversations` and returns its id. */
export async function createConversation(
  app: App,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await request(app, 'POST', '/api/conversations', { payload: body, headers });
  if (response.status !== 200) {
    throw new Error(`creating a conversation failed: ${response.status} ${response.text}`);
  }
  return (response.body as { conversation_id: string }).conversation_id;
}
