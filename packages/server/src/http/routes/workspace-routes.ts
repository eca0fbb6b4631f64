import { z } from 'zod';
import { errorResponseSchema } from '@parley/protocol';
import type {
  ConversationWorkspaceService,
  IncomingFile,
} from '../../conversations/conversation-workspace-service.js';
import { ParleyError } from '../../shared/errors.js';
import type { ApiRoutes } from './api-routes.js';
import { conversationParams } from './conversation-routes.js';

const tags = ['workspace'];
/** Files one upload takes; more parts are refused (413). */
export const maximumUploadFiles = 100;

const gitChangeSchema = z.object({ status: z.enum(['M', 'A', 'D', 'U']), path: z.string() });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema };

/**
 * The workspace routes the stock web UI calls (reference §5.3, §10–§11): list-files,
 * select-file, git changes and diff, upload-files and zip-directory. Each is the caller's own
 * conversation only (another user's is 404) and reaches the files through the sandbox.
 */
export function registerWorkspaceRoutes(
  routes: ApiRoutes,
  workspaces: ConversationWorkspaceService,
): void {
  routes.get(
    '/api/conversations/:id/list-files',
    {
      schema: {
        tags,
        summary: 'Entries of a workspace directory (directories end with /)',
        params: conversationParams,
        querystring: z.object({ path: z.string().optional() }),
        response: { 200: z.array(z.string()), ...errors },
      },
    },
    async (request) =>
      workspaces.listFiles(
        request.userId,
        request.params.id,
        request.query.path ?? '',
        request.clientGone,
      ),
  );

  routes.get(
    '/api/conversations/:id/select-file',
    {
      schema: {
        tags,
        summary: 'A workspace file as text (binary: 415, too large: 413)',
        params: conversationParams,
        querystring: z.object({ file: z.string() }),
        response: { 200: z.object({ code: z.string() }), ...errors },
      },
    },
    async (request) => ({
      code: await workspaces.selectFile(
        request.userId,
        request.params.id,
        request.query.file,
        request.clientGone,
      ),
    }),
  );

  routes.get(
    '/api/conversations/:id/git/changes',
    {
      schema: {
        tags,
        summary: 'Changed files of the workspace repository ([] without one)',
        params: conversationParams,
        response: { 200: z.array(gitChangeSchema), ...errors },
      },
    },
    async (request) => workspaces.gitChanges(request.userId, request.params.id, request.clientGone),
  );

  routes.get(
    '/api/conversations/:id/git/diff',
    {
      schema: {
        tags,
        summary: "A file's text at the repository's base and now",
        params: conversationParams,
        querystring: z.object({ path: z.string() }),
        response: { 200: z.object({ original: z.string(), modified: z.string() }), ...errors },
      },
    },
    async (request) =>
      workspaces.gitDiff(request.userId, request.params.id, request.query.path, request.clientGone),
  );

  routes.get(
    '/api/conversations/:id/zip-directory',
    {
      schema: {
        tags,
        summary: 'The workspace as workspace.zip',
        params: conversationParams,
      },
    },
    async (request, reply) => {
      const archive = await workspaces.archive(
        request.userId,
        request.params.id,
        request.clientGone,
      );
      return reply
        .type('application/zip')
        .header('content-disposition', 'attachment; filename="workspace.zip"')
        .header('content-length', archive.size)
        .send(archive.stream);
    },
  );

  routes.post(
    '/api/conversations/:id/upload-files',
    {
      schema: {
        tags,
        summary: 'Write multipart `files` into the workspace (upstream POSTUploadFilesModel)',
        params: conversationParams,
        response: {
          200: z.object({
            uploaded_files: z.array(z.string()),
            skipped_files: z.array(z.object({ name: z.string(), reason: z.string() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      if (!request.isMultipart()) {
        throw new ParleyError(
          'REQUEST_INVALID',
          'Expected a multipart/form-data body with the files in `files`',
        );
      }
      const maxBytes = workspaces.maxFileBytes;
      const parts = request.files({
        limits: { fileSize: maxBytes, files: maximumUploadFiles },
        throwFileSizeLimit: false,
        // The name as the client sent it, so one with a path is refused rather than shortened.
        preservePath: true,
      });
      async function* incoming(): AsyncGenerator<IncomingFile> {
        for await (const part of parts) {
          if (part.fieldname !== 'files') {
            part.file.resume();
            continue;
          }
          yield {
            name: part.filename,
            read: async () => {
              const data = await part.toBuffer();
              return part.file.truncated ? undefined : data;
            },
          };
        }
      }
      return workspaces.uploadFiles(
        request.userId,
        request.params.id,
        incoming(),
        request.clientGone,
      );
    },
  );
}
