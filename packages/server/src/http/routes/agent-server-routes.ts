import { z } from 'zod';
import { errorResponseSchema, successResponseSchema, v1GitChangeSchema } from '@parley/protocol';
import type { AppConversationService } from '../../conversations/app-conversation-service.js';
import type {
  ConversationWorkspaceService,
  GitChange,
} from '../../conversations/conversation-workspace-service.js';
import { ParleyError } from '../../shared/errors.js';
import type { ApiRoutes } from './api-routes.js';
import { conversationParams } from './conversation-routes.js';

const tags = ['v1 agent server'];
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema };
const pathParams = z.object({ '*': z.string() });

/** The V0 status letters of `git/changes` as the agent-server's `GitChangeStatus`. */
const v1Status = { M: 'UPDATED', A: 'ADDED', D: 'DELETED', U: 'ADDED' } as const;

/**
 * The agent-server routes the stock web UI calls for a V1 conversation on the host of its
 * `conversation_url` (Parley itself): pause and run, and git changes and diff. The git routes
 * name no conversation: the conversation's `session_api_key` (`X-Session-API-Key`) names it, and
 * the caller must own it, as everywhere (another user's reads as missing).
 */
export function registerAgentServerRoutes(
  routes: ApiRoutes,
  service: AppConversationService,
  workspaces: ConversationWorkspaceService | undefined,
): void {
  routes.post(
    '/api/conversations/:id/pause',
    {
      schema: {
        tags,
        summary: 'Pause the agent: its running turn stops',
        params: conversationParams,
        response: { 200: successResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      await service.pause(request.userId, request.params.id, request.clientGone);
      return { success: true };
    },
  );

  routes.post(
    '/api/conversations/:id/run',
    {
      schema: {
        tags,
        summary: 'Run the agent: its loop starts if needed and it works on from its history',
        params: conversationParams,
        response: { 200: successResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      await service.run(request.userId, request.params.id, request.clientGone);
      return { success: true };
    },
  );

  routes.get(
    '/api/git/changes/*',
    {
      schema: {
        tags,
        summary: "Changed files of the session key's conversation workspace",
        description: 'The path (the UI sends /workspace/project) names the workspace root.',
        params: pathParams,
        response: { 200: z.array(v1GitChangeSchema), ...errors },
      },
    },
    async (request) => {
      const conversationId = conversationOf(service, request.headers['x-session-api-key']);
      workspacePath(request.params['*']);
      if (workspaces === undefined) return [];
      const changes: GitChange[] = await workspaces.gitChanges(
        request.userId,
        conversationId,
        request.clientGone,
      );
      return changes.map((change) => ({ status: v1Status[change.status], path: change.path }));
    },
  );

  routes.get(
    '/api/git/diff/*',
    {
      schema: {
        tags,
        summary: "A file's text at the repository's base and now (absolute path)",
        params: pathParams,
        response: { 200: z.object({ original: z.string(), modified: z.string() }), ...errors },
      },
    },
    async (request) => {
      const conversationId = conversationOf(service, request.headers['x-session-api-key']);
      const path = workspacePath(request.params['*']);
      if (workspaces === undefined) {
        throw new ParleyError('WORKSPACE_FILE_NOT_FOUND', 'No such file in the workspace');
      }
      return workspaces.gitDiff(request.userId, conversationId, path, request.clientGone);
    },
  );
}

function conversationOf(
  service: AppConversationService,
  header: string | string[] | undefined,
): string {
  const conversationId = service.conversationForSessionKey(
    typeof header === 'string' ? header : undefined,
  );
  if (conversationId === undefined) {
    throw new ParleyError(
      'SESSION_API_KEY_INVALID',
      "X-Session-API-Key must be a conversation's session_api_key",
    );
  }
  return conversationId;
}

/**
 * A path the UI builds from `/workspace/project` (upstream's checkout directory) as a path in
 * Parley's workspace: that prefix, or Parley's own `/workspace`, is its root.
 */
export function workspacePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `/${path}`;
  for (const root of ['/workspace/project', '/workspace']) {
    if (absolute === root) return '';
    if (absolute.startsWith(`${root}/`)) return absolute.slice(root.length + 1);
  }
  throw new ParleyError('REQUEST_INVALID', 'The path must be inside /workspace/project');
}
