import { z } from 'zod';
import {
  appConversationCountQuerySchema,
  appConversationIdsQuerySchema,
  appConversationPageSchema,
  appConversationSchema,
  appConversationSearchQuerySchema,
  appConversationStartRequestSchema,
  appConversationStartTaskCountQuerySchema,
  appConversationStartTaskPageSchema,
  appConversationStartTaskSchema,
  appConversationStartTaskSearchQuerySchema,
} from '@parley/protocol';
import type { AppConversationService } from '../../conversations/app-conversation-service.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['v1 app conversations'];

/**
 * Upstream's V1 app-server conversations (`/api/v1/app-conversations`): start one (a start task,
 * READY at once), read start tasks, read, search and count conversations. Each answers for the
 * caller's conversations only; a missing or foreign id is a null in the list, as upstream.
 */
export function registerAppConversationRoutes(
  routes: ApiRoutes,
  service: AppConversationService,
): void {
  routes.get(
    '/api/v1/app-conversations/search',
    {
      schema: {
        tags,
        summary: 'A page of conversations, newest first',
        querystring: appConversationSearchQuerySchema,
        response: { 200: appConversationPageSchema },
      },
    },
    async (request) => service.search(request.userId, request.query, request.clientGone),
  );

  routes.get(
    '/api/v1/app-conversations/count',
    {
      schema: {
        tags,
        summary: 'How many conversations match (an integer)',
        querystring: appConversationCountQuerySchema,
        response: { 200: z.number().int() },
      },
    },
    async (request) => service.count(request.userId, request.query, request.clientGone),
  );

  routes.get(
    '/api/v1/app-conversations',
    {
      schema: {
        tags,
        summary: 'Conversations by id (null for each missing one)',
        querystring: appConversationIdsQuerySchema,
        response: { 200: z.array(appConversationSchema.nullable()) },
      },
    },
    async (request) => service.batchGet(request.userId, request.query.ids, request.clientGone),
  );

  routes.post(
    '/api/v1/app-conversations',
    {
      schema: {
        tags,
        summary: 'Start a conversation; answers its start task (READY: Parley starts at once)',
        body: appConversationStartRequestSchema,
        response: { 200: appConversationStartTaskSchema },
      },
    },
    async (request) => {
      const authorization = request.headers.authorization;
      return service.start(request.userId, request.body, {
        viaApiKey: typeof authorization === 'string' && /^bearer\s/i.test(authorization),
        signal: request.clientGone,
      });
    },
  );

  routes.get(
    '/api/v1/app-conversations/start-tasks/search',
    {
      schema: {
        tags,
        summary: 'A page of start tasks (newest first by default)',
        querystring: appConversationStartTaskSearchQuerySchema,
        response: { 200: appConversationStartTaskPageSchema },
      },
    },
    async (request) => service.searchStartTasks(request.userId, request.query, request.clientGone),
  );

  routes.get(
    '/api/v1/app-conversations/start-tasks/count',
    {
      schema: {
        tags,
        summary: 'How many start tasks match (an integer)',
        querystring: appConversationStartTaskCountQuerySchema,
        response: { 200: z.number().int() },
      },
    },
    async (request) => service.countStartTasks(request.userId, request.query, request.clientGone),
  );

  routes.get(
    '/api/v1/app-conversations/start-tasks',
    {
      schema: {
        tags,
        summary: 'Start tasks by id (null for each missing one)',
        querystring: appConversationIdsQuerySchema,
        response: { 200: z.array(appConversationStartTaskSchema.nullable()) },
      },
    },
    async (request) => service.startTasks(request.userId, request.query.ids, request.clientGone),
  );
}
