/**
 * Upstream's `str_replace_editor` tool: `view` is logged as a `read` action and observation, the
 * other commands as an `edit` action and an `edit` observation carrying the diff.
 */
import { errorObservation, type ActionEvent, type ObservationEvent } from '@parley/protocol';
import { ParleyError } from '../../../shared/errors.js';
import type { AgentTool } from '../tool-registry.js';
import { editorCommands, type EditorArguments, type FileEditor } from './file-editor.js';

export const editorToolName = 'str_replace_editor';

const description = `View, create and edit files in the sandboxed workspace.
* Paths are absolute, for example /workspace/src/app.py.
* view: a file's lines numbered as \`cat -n\` does (view_range [start, end] for part of it, end -1 for the rest), or a directory's files up to two levels deep.
* create: a new file with file_text; it cannot overwrite an existing file.
* str_replace: replaces old_str, which must match exactly one place of the file, whitespace included, with new_str. Include enough surrounding lines to make old_str unique.
* insert: inserts new_str after line insert_line (0: at the start).
* undo_edit: reverts the last edit of the file.`;

export function strReplaceEditorTool(editor: FileEditor): AgentTool {
  return {
    definition: {
      name: editorToolName,
      description,
      parameters: {
        type: 'object',
        properties: {
          command: {
            type: 'string',
            enum: [...editorCommands],
            description: 'The command to run.',
          },
          path: { type: 'string', description: 'Absolute path of the file or directory.' },
          file_text: { type: 'string', description: 'create: the content of the new file.' },
          old_str: { type: 'string', description: 'str_replace: the exact text to replace.' },
          new_str: {
            type: 'string',
            description: 'str_replace: the replacement; insert: the text to insert.',
          },
          insert_line: { type: 'integer', description: 'insert: the line after which to insert.' },
          view_range: {
            type: 'array',
            items: { type: 'integer' },
            description: 'view: [start, end] lines, 1-based; end -1 for the rest of the file.',
          },
        },
        required: ['command', 'path'],
      },
    },
    needsConfirmation: true,
    action: (args) => editorAction(editorArguments(args)),
    run: async (args, { signal }) => {
      const request = editorArguments(args);
      let outcome;
      try {
        outcome = await editor.apply(request, signal);
      } catch (error) {
        if (error instanceof ParleyError && !signal.aborted) {
          return errorObservation(`ERROR:\n${error.message}`);
        }
        throw error;
      }
      return editorObservation(outcome);
    },
  };
}

function editorAction(request: EditorArguments): ActionEvent {
  if (request.command === 'view') {
    return {
      action: 'read',
      args: {
        path: request.path,
        start: 0,
        end: -1,
        thought: '',
        security_risk: -1,
        impl_source: 'oh_aci',
        view_range: request.view_range === undefined ? null : [...request.view_range],
      },
    } as ActionEvent;
  }
  return {
    action: 'edit',
    args: {
      path: request.path,
      command: request.command,
      file_text: request.file_text ?? null,
      old_str: request.old_str ?? null,
      new_str: request.new_str ?? null,
      insert_line: request.insert_line ?? null,
      content: '',
      start: 1,
      end: -1,
      thought: '',
      security_risk: -1,
      impl_source: 'oh_aci',
    },
  } as ActionEvent;
}

function editorObservation(outcome: Awaited<ReturnType<FileEditor['apply']>>): ObservationEvent {
  switch (outcome.kind) {
    case 'error':
      return errorObservation(`ERROR:\n${outcome.message}`);
    case 'read':
      return {
        observation: 'read',
        content: outcome.content,
        extras: { path: outcome.path, impl_source: 'oh_aci' },
      } as ObservationEvent;
    case 'edit':
      return {
        observation: 'edit',
        content: outcome.content,
        extras: {
          path: outcome.path,
          prev_exist: outcome.prevExist,
          old_content: outcome.oldContent,
          new_content: outcome.newContent,
          impl_source: 'oh_aci',
          diff: outcome.diff,
        },
      } as ObservationEvent;
  }
}

function editorArguments(args: Readonly<Record<string, unknown>>): EditorArguments {
  const text = (key: string): string | undefined =>
    typeof args[key] === 'string' ? args[key] : undefined;
  const line = Number(args['insert_line']);
  const range = args['view_range'];
  return {
    command: text('command') ?? '',
    path: text('path') ?? '',
    file_text: text('file_text'),
    old_str: text('old_str'),
    new_str: text('new_str'),
    insert_line: args['insert_line'] === undefined || !Number.isFinite(line) ? undefined : line,
    view_range:
      Array.isArray(range) && range.every((value) => typeof value === 'number')
        ? (range as number[])
        : undefined,
  };
}
