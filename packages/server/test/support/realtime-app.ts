import type { App } from '../../src/app.js';
import type { Environment } from '../../src/config/load-config.js';
import type { NewEvent, StoredEvent } from '../../src/events/event-store.js';
import { HeaderUserAuth, testUserHeader } from './header-user-auth.js';
import {
  createConversation,
  createTestApi,
  type TestApi,
  type TestApiOptions,
} from './test-api.js';
import type { TestDatabaseBackend } from './test-databases.js';

/** A whole app listening on a free port, acting as several users through the `x-test-user` header. */
export interface RealtimeTestApp {
  api: TestApi;
  app: App;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>` */
  wsUrl: string;
  /** Creates a conversation over REST as `user` (default alice) and returns its id. */
  newConversation(user?: string): Promise<string>;
  /** Appends events to a conversation's log through its stream, as an agent loop would. */
  append(conversationId: string, events: readonly NewEvent[]): Promise<StoredEvent[]>;
  cleanup(): Promise<void>;
}

/**
 * `agentLoops` defaults to `log-only`: the realtime tests check delivery over logs they write
 * themselves; the agent-loop tests ask for the real `manager`.
 */
export async function startRealtimeApp(
  backend: TestDatabaseBackend,
  env: Environment = {},
  options: Pick<TestApiOptions, 'agentLoops' | 'now' | 'timers' | 'logger' | 'secretRegistry'> = {},
): Promise<RealtimeTestApp> {
  const api = await createTestApi(backend, {
    env,
    userAuth: new HeaderUserAuth(),
    ...options,
    agentLoops: options.agentLoops ?? 'log-only',
  });
  const address = await api.app.listen();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    api,
    app: api.app,
    url,
    wsUrl: `ws://127.0.0.1:${address.port}`,
    newConversation: (user = 'alice') =>
      createConversation(
        api.app,
        {},
        {
          [testUserHeader]: user,
          ...(env['SESSION_API_KEY'] === undefined
            ? {}
            : { 'x-session-api-key': env['SESSION_API_KEY'] }),
        },
      ),
    append: (conversationId, events) => api.app.eventStreams.get(conversationId).append(events),
    cleanup: () => api.cleanup(),
  };
}
