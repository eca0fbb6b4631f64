import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Accounts } from '../auth/accounts.js';
import type { AppConversationService } from '../conversations/app-conversation-service.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { ConversationWorkspaceService } from '../conversations/conversation-workspace-service.js';
import type { SecretsStore } from '../settings/secrets-store.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import { registerErrorHandler } from './error-handler.js';
import { registerErrorBodyMasking } from './middleware/mask-error-bodies.js';
import { registerOpenApi } from './openapi.js';
import { registerApiTokenRoutes } from './routes/api-token-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerAgentServerRoutes } from './routes/agent-server-routes.js';
import { registerAppConversationRoutes } from './routes/app-conversation-routes.js';
import { registerConversationEventRoutes } from './routes/conversation-event-routes.js';
import { registerConversationRoutes } from './routes/conversation-routes.js';
import { registerOidcRoutes } from './routes/oidc-routes.js';
import { registerOptionsRoutes } from './routes/options-routes.js';
import { registerSandboxRoutes } from './routes/sandbox-routes.js';
import { registerSecretsRoutes } from './routes/secrets-routes.js';
import { registerSettingsRoutes } from './routes/settings-routes.js';
import { registerV1EventRoutes } from './routes/v1-event-routes.js';
import { registerWorkspaceRoutes } from './routes/workspace-routes.js';
import { registerApiAuth } from './middleware/session-api-key.js';
import type { UserAuth } from './user-auth.js';

export interface ApiOptions {
  conversations: ConversationService;
  /** The V1 app-server face of the same conversations. */
  appConversations: AppConversationService;
  /** The workspace routes' service; without it (no sandbox) those routes do not exist. */
  workspaces?: ConversationWorkspaceService | undefined;
  settings: SettingsStore;
  secrets: SecretsStore;
  userAuth: UserAuth;
  /** Accounts mode (sign-in, sessions, API tokens); undefined: the single local user. */
  accounts?: Accounts | undefined;
  sessionApiKey: string | undefined;
  defaultModel: string;
  listModels: () => Promise<string[]>;
  version: string;
  /** Secret values masked out of error bodies. */
  secretRegistry?: SecretRegistry;
}

/** The `/api` REST face: error mapping, auth, OpenAPI and every route. */
export async function registerApi(server: FastifyInstance, options: ApiOptions): Promise<void> {
  registerErrorHandler(server);
  if (options.secretRegistry !== undefined) {
    registerErrorBodyMasking(server, options.secretRegistry);
  }
  registerApiAuth(server, { sessionApiKey: options.sessionApiKey, userAuth: options.userAuth });
  await server.register(cookie);
  await registerOpenApi(server, { version: options.version });
  const routes = server.withTypeProvider<ZodTypeProvider>();
  const { accounts } = options;
  const secureCookies = accounts?.secureCookies ?? false;
  registerAuthRoutes(routes, { accounts, secureCookies });
  if (accounts !== undefined) {
    registerApiTokenRoutes(routes, accounts);
    if (accounts.oidc !== undefined) {
      registerOidcRoutes(routes, { accounts, oidc: accounts.oidc, secureCookies });
    }
  }
  registerOptionsRoutes(routes, { listModels: options.listModels });
  registerSettingsRoutes(routes, {
    settings: options.settings,
    defaultModel: options.defaultModel,
  });
  registerSecretsRoutes(routes, { secrets: options.secrets });
  const { workspaces, appConversations } = options;
  registerConversationRoutes(routes, options.conversations, appConversations);
  registerConversationEventRoutes(routes, options.conversations);
  registerV1EventRoutes(routes, options.conversations);
  registerAppConversationRoutes(routes, appConversations);
  registerSandboxRoutes(routes, appConversations);
  registerAgentServerRoutes(routes, appConversations, workspaces);
  // Multipart bodies are for upload-files only (a scope of its own: elsewhere they stay a 415),
  // read by the route file by file within its caps.
  if (workspaces !== undefined) {
    await server.register(async (scope) => {
      await scope.register(multipart);
      registerWorkspaceRoutes(scope.withTypeProvider<ZodTypeProvider>(), workspaces);
    });
  }
}
