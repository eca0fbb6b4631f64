import type { EventStore } from '../events/event-store.js';
import type { EventStreams } from '../events/event-streams.js';
import { SecretBox } from '../shared/secret-box.js';
import { decodeSecretsKey, loadOrCreateSecretsKey } from '../shared/secrets-key-file.js';
import type { Database } from '../storage/database.js';
import type { LanguageModels } from '../llm/language-models.js';
import type { ModelSettings } from '../llm/model-settings.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { Logger } from '../shared/logger.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import type { AgentLoops } from './agent-loops.js';
import {
  ConversationManager,
  type ConversationManagerSettings,
  type ManagerTimers,
} from './conversation-manager.js';
import { createWorkspaceTools } from './agent/tools/workspace-tools.js';
import { AppConversationService } from './app-conversation-service.js';
import { ConversationService } from './conversation-service.js';
import { ConversationSessionKeys } from './conversation-session-keys.js';
import { ConversationWorkspaceService } from './conversation-workspace-service.js';
import { WorkspaceFiles } from '../runtime/workspace-files.js';
import type { ConversationStore } from './conversation-store.js';
import { SqlConversationStore } from './sql-conversation-store.js';
import { SqlSecretsStore } from '../settings/sql-secrets-store.js';
import { SqlSettingsStore } from '../settings/sql-settings-store.js';
import { createUserLlmContextLoader, loopStartOptions } from './user-llm-context.js';
import { ClusterAgentLoops } from './cluster/cluster-agent-loops.js';
import { ConversationLeases } from './cluster/conversation-leases.js';

export interface ConversationServices {
  conversations: ConversationService;
  /** The same conversations on the V1 app-server face. */
  appConversations: AppConversationService;
  settings: SqlSettingsStore;
  secrets: SqlSecretsStore;
  agentLoops: AgentLoops;
  /** The conversations' workspaces (the file routes); undefined without a sandbox. */
  workspaces: ConversationWorkspaceService | undefined;
  /** The real agent loops, or undefined when `parts.agentLoops` replaced them (tests). */
  conversationManager: ConversationManager | undefined;
}

/** Builds the SQL stores, the secret box and the conversation service (called by app.ts only). */
export interface ConversationServicesOptions {
  /** The configured secrets key, or undefined to use (or create) `<dataDirectory>/secrets.key`. */
  secretsKey: string | undefined;
  dataDirectory: string;
  /** The server's default model, key and base URL (`config.llm`). */
  defaultLlm: ModelSettings;
  allowSetConversationId: boolean;
  conversationManager: ConversationManagerSettings;
  /** Caps of the workspace file routes (`config.sandbox.files`). */
  workspaceFiles: { maxFileBytes: number; maxArchiveBytes: number };
  /** Export each user's custom secrets to their commands (`config.sandbox.exportSecrets`). */
  exportSecretsToSandbox?: boolean;
  /** Set with PostgreSQL: conversations are owned through leases, for several processes. */
  cluster?:
    | { instanceId: string; leaseTtlMs: number; leaseRenewMs: number; takeoverIntervalMs: number }
    | undefined;
}

export interface ConversationServicesParts {
  database: Database;
  eventStore: EventStore;
  eventStreams: EventStreams;
  languageModels: LanguageModels;
  logger: Logger;
  /** Where settings and secrets register their values for masking. */
  secretRegistry: SecretRegistry;
  /**
   * Where the agent's commands run and the workspaces live; without it the agent only has
   * `think` and `finish`, and there are no workspace routes.
   */
  sandbox?: Sandbox;
  /** Replaces the conversation manager (tests of other layers use a log-only stand-in). */
  agentLoops?: AgentLoops;
  /** Wraps the SQL conversation store (tests pause inside its calls). */
  wrapConversationStore?: ((store: ConversationStore) => ConversationStore) | undefined;
  /** The manager's clock and cleanup timers (tests). */
  now?: () => number;
  timers?: ManagerTimers;
}

export function createConversationServices(
  config: ConversationServicesOptions,
  parts: ConversationServicesParts,
): ConversationServices {
  const secretsKey =
    config.secretsKey === undefined
      ? loadOrCreateSecretsKey(config.dataDirectory)
      : decodeSecretsKey(config.secretsKey);
  const secretBox = new SecretBox(secretsKey);
  const registry = parts.secretRegistry;
  const settings = new SqlSettingsStore({ database: parts.database, secretBox, secrets: registry });
  const secrets = new SqlSecretsStore({ database: parts.database, secretBox, secrets: registry });
  const sqlConversationStore = new SqlConversationStore({ database: parts.database });
  const conversationStore =
    parts.wrapConversationStore?.(sqlConversationStore) ?? sqlConversationStore;
  const workspaceFiles =
    parts.sandbox === undefined
      ? undefined
      : new WorkspaceFiles(parts.sandbox, {
          maxReadBytes: config.workspaceFiles.maxFileBytes,
          maxArchiveBytes: config.workspaceFiles.maxArchiveBytes,
        });
  let clusterLoops: ClusterAgentLoops | undefined;
  const conversationManager =
    parts.agentLoops === undefined
      ? new ConversationManager({
          onLoopClosed: (conversationId) => clusterLoops?.loopClosed(conversationId),
          eventStreams: parts.eventStreams,
          eventStore: parts.eventStore,
          createModel: (llm) => parts.languageModels.create(llm),
          // A title derived from the first message is stored with the user's secrets hidden, as
          // that message's event is. No signal, deliberately: a stop aborts the title request,
          // and the fallback title (the truncated message) is still stored.
          updateTitle: (userId, conversationId, title) =>
            conversationStore.updateTitle(
              userId,
              conversationId,
              registry.maskerFor(userId).maskText(title),
            ),
          settings: config.conversationManager,
          ...(parts.sandbox === undefined
            ? {}
            : {
                toolsFor: ({ conversationId }, { mcpConfig, customSecrets }) =>
                  createWorkspaceTools({
                    sandbox: parts.sandbox as Sandbox,
                    ...(workspaceFiles === undefined ? {} : { files: workspaceFiles }),
                    conversationId,
                    mcpConfig,
                    ...(config.exportSecretsToSandbox === true && customSecrets !== undefined
                      ? { env: exportableVariables(customSecrets) }
                      : {}),
                    logger: parts.logger.child({ module: 'tools', conversationId }),
                  }),
              }),
          logger: parts.logger.child({ module: 'conversations' }),
          ...(parts.now === undefined ? {} : { now: parts.now }),
          ...(parts.timers === undefined ? {} : { timers: parts.timers }),
        })
      : undefined;
  const loadLlmContext = createUserLlmContextLoader({
    settings,
    secrets,
    serverLlm: config.defaultLlm,
  });
  if (config.cluster !== undefined && conversationManager !== undefined) {
    const { cluster } = config;
    clusterLoops = new ClusterAgentLoops({
      manager: conversationManager,
      leases: new ConversationLeases({
        kysely: parts.database.kysely,
        instanceId: cluster.instanceId,
        ttlMs: cluster.leaseTtlMs,
      }),
      eventStreams: parts.eventStreams,
      eventStore: parts.eventStore,
      loadForTakeover: async (conversationId, userId) => {
        const conversation = await conversationStore.get(userId, conversationId);
        if (conversation === undefined) return undefined;
        return { conversation, options: loopStartOptions(await loadLlmContext(userId)) };
      },
      maxRunningPerUser: config.conversationManager.maxRunningPerUser,
      renewIntervalMs: cluster.leaseRenewMs,
      takeoverIntervalMs: cluster.takeoverIntervalMs,
      logger: parts.logger.child({ module: 'cluster', instanceId: cluster.instanceId }),
    });
  }
  const agentLoops: AgentLoops =
    parts.agentLoops ?? clusterLoops ?? (conversationManager as ConversationManager);
  const workspaces =
    parts.sandbox === undefined
      ? undefined
      : new ConversationWorkspaceService({
          conversations: conversationStore,
          sandbox: parts.sandbox,
          files: workspaceFiles as WorkspaceFiles,
          logger: parts.logger.child({ module: 'workspaces' }),
          maxFileBytes: config.workspaceFiles.maxFileBytes,
          events: parts.eventStore,
        });
  const conversations = new ConversationService({
    conversations: conversationStore,
    eventStore: parts.eventStore,
    eventStreams: parts.eventStreams,
    agentLoops,
    loadLlmContext,
    allowSetConversationId: config.allowSetConversationId,
    ...(workspaces === undefined
      ? {}
      : { removeWorkspace: (conversationId: string) => workspaces.remove(conversationId) }),
  });
  const appConversations = new AppConversationService({
    conversations,
    store: conversationStore,
    eventStore: parts.eventStore,
    sessionKeys: new ConversationSessionKeys(secretsKey),
  });
  return {
    conversations,
    appConversations,
    settings,
    secrets,
    agentLoops,
    workspaces,
    conversationManager,
  };
}

/** Names a custom secret may not take in a command's environment: the shell's own. */
const reservedVariables = new Set(['PATH', 'HOME', 'LANG', 'PWD', 'SHELL', 'IFS']);

/**
 * Custom secrets as commands see them: those whose names are valid variable names, neither the
 * shell's own nor Parley's (`PARLEY_…`), without NUL characters.
 */
function exportableVariables(secrets: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets).filter(
      ([name, value]) =>
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) &&
        !reservedVariables.has(name) &&
        !name.startsWith('PARLEY_') &&
        !value.includes('\0'),
    ),
  );
}
