/**
 * The tool actions and observations of the log as V1 frames (reference §3.2): `run` is the sdk's
 * `execute_bash` (ExecuteBashAction / ExecuteBashObservation), `edit` and `read` its
 * `str_replace_editor` (FileEditorAction / FileEditorObservation), `call_tool_mcp` and `mcp` a tool
 * of an MCP server (MCPToolAction / MCPToolObservation).
 */
import type {
  CmdRunAction,
  FileEditAction,
  FileReadAction,
  McpAction,
} from '../v0/action-event.js';
import type {
  CmdOutputObservation,
  FileEditObservation,
  FileReadObservation,
  McpObservation,
} from '../v0/observation-event.js';
import type { SecurityRisk } from '../v0/security-risk.js';
import type { ToolCallMetadata } from '../v0/tool-call-metadata.js';
import type { V1ActionEvent, V1ObservationEvent, V1SecurityRisk } from './v1-events.js';
import { causeId, optional } from './v1-frame-fields.js';
import { llmResponseId, toolCall } from './v1-tool-calls.js';
import {
  v1FileEditorCommands,
  type V1FileEditorCommand,
  type V1FileEditorObservation,
  type V1ToolAction,
  type V1ToolObservation,
} from './v1-tool-schemas.js';

export type ToolAction = CmdRunAction | FileEditAction | FileReadAction | McpAction;
export type ToolObservation =
  CmdOutputObservation | FileEditObservation | FileReadObservation | McpObservation;

/** The tool that runs shell commands, named as the V1 agent names it. */
export const bashToolName = 'execute_bash';
/** The file editor tool (views and edits). */
export const editorToolName = 'str_replace_editor';

const securityRiskNames: Readonly<Record<SecurityRisk, V1SecurityRisk>> = {
  [-1]: 'UNKNOWN',
  0: 'LOW',
  1: 'MEDIUM',
  2: 'HIGH',
};

interface ProjectedAction {
  action: V1ToolAction;
  toolName: string;
  /** The call's arguments as JSON, when the stored provider response does not have them. */
  fallbackArguments: object;
}

function projectAction(event: ToolAction): ProjectedAction {
  const metadataName = event.tool_call_metadata?.function_name;
  switch (event.action) {
    case 'run': {
      const action = {
        kind: 'ExecuteBashAction' as const,
        command: event.args.command,
        is_input: event.args.is_input ?? false,
        timeout: event.timeout ?? null,
        reset: false,
      };
      return {
        action,
        toolName: metadataName ?? bashToolName,
        fallbackArguments: { command: action.command, is_input: action.is_input },
      };
    }
    case 'edit': {
      const { args } = event;
      const action = {
        kind: 'FileEditorAction' as const,
        command: editActionCommand(args.command),
        path: args.path,
        file_text: args.file_text ?? null,
        old_str: args.old_str ?? null,
        new_str: args.new_str ?? null,
        insert_line: args.insert_line ?? null,
        view_range: null,
      };
      return {
        action,
        toolName: metadataName ?? editorToolName,
        fallbackArguments: withoutNulls({ ...action, kind: undefined, view_range: undefined }),
      };
    }
    case 'read': {
      const viewRange = event.args.view_range ?? null;
      return {
        action: {
          kind: 'FileEditorAction',
          command: 'view',
          path: event.args.path,
          file_text: null,
          old_str: null,
          new_str: null,
          insert_line: null,
          view_range: viewRange === null ? null : [...viewRange],
        },
        toolName: metadataName ?? editorToolName,
        fallbackArguments: withoutNulls({
          command: 'view',
          path: event.args.path,
          view_range: viewRange,
        }),
      };
    }
    case 'call_tool_mcp': {
      const data = { ...event.args.arguments };
      return {
        action: { kind: 'MCPToolAction', data },
        toolName: event.args.name,
        fallbackArguments: data,
      };
    }
  }
}

/** A tool action as an `ActionEvent`; a command the user ran has no tool call ids. */
export function toolActionEvent(event: ToolAction, id: string, timestamp: string): V1ActionEvent {
  const { action, toolName, fallbackArguments } = projectAction(event);
  const metadata: ToolCallMetadata | undefined = event.tool_call_metadata;
  const thought = event.args.thought ?? '';
  const confirmationState = event.args.confirmation_state;
  return {
    kind: 'ActionEvent',
    id,
    timestamp,
    source: event.source ?? 'agent',
    thought: thought === '' ? [] : [{ type: 'text', text: thought }],
    thinking_blocks: [],
    action,
    tool_name: toolName,
    ...(metadata === undefined
      ? {}
      : {
          tool_call_id: metadata.tool_call_id,
          tool_call: toolCall(metadata, fallbackArguments),
          ...optional('llm_response_id', llmResponseId(metadata)),
        }),
    security_risk: securityRiskNames[event.args.security_risk ?? -1],
    ...(confirmationState === undefined ? {} : { confirmation_state: confirmationState }),
  };
}

/** A tool observation as an `ObservationEvent` from the environment; `action_id` is its cause. */
export function toolObservationEvent(
  event: ToolObservation,
  id: string,
  timestamp: string,
): V1ObservationEvent {
  const metadataName = event.tool_call_metadata?.function_name;
  const observation = projectObservation(event);
  const toolName =
    observation.kind === 'MCPToolObservation'
      ? observation.tool_name
      : (metadataName ??
        (observation.kind === 'ExecuteBashObservation' ? bashToolName : editorToolName));
  return {
    kind: 'ObservationEvent',
    id,
    timestamp,
    source: 'environment',
    tool_name: toolName,
    ...optional('tool_call_id', event.tool_call_metadata?.tool_call_id),
    observation,
    ...optional('action_id', causeId(event.cause)),
  };
}

function projectObservation(event: ToolObservation): V1ToolObservation {
  switch (event.observation) {
    case 'run': {
      const metadata = event.extras.metadata;
      const exitCode = metadata?.exit_code ?? null;
      return {
        kind: 'ExecuteBashObservation',
        output: event.content,
        command: event.extras.command,
        exit_code: exitCode,
        error: event.success === false,
        timeout: exitCode === -1,
        metadata: { ...metadata },
      };
    }
    case 'edit': {
      const { extras } = event;
      return {
        kind: 'FileEditorObservation',
        command: editObservationCommand(extras),
        output: event.content,
        path: extras.path,
        prev_exist: extras.prev_exist ?? true,
        old_content: extras.old_content ?? null,
        new_content: extras.new_content ?? null,
        error: null,
        diff: extras.diff ?? null,
      };
    }
    case 'read':
      return viewObservation(event);
    case 'mcp':
      return {
        kind: 'MCPToolObservation',
        content: [{ type: 'text', text: event.content }],
        is_error: reportsError(event.content),
        tool_name: event.extras.name ?? event.tool_call_metadata?.function_name ?? '',
      };
  }
}

function viewObservation(event: FileReadObservation): V1FileEditorObservation {
  return {
    kind: 'FileEditorObservation',
    command: 'view',
    output: event.content,
    path: event.extras.path,
    prev_exist: true,
    old_content: null,
    new_content: null,
    error: null,
    diff: null,
  };
}

function isEditorCommand(value: unknown): value is V1FileEditorCommand {
  return typeof value === 'string' && (v1FileEditorCommands as readonly string[]).includes(value);
}

/**
 * An edit's editor command. A V0 edit without one of the editor's commands (upstream's older
 * line-range edit, which Parley's tools never log) reads as a `str_replace`.
 */
function editActionCommand(command: string | undefined): V1FileEditorCommand {
  return isEditorCommand(command) ? command : 'str_replace';
}

/**
 * The command behind an edit observation. Upstream's V0 observation does not record it, so it
 * comes from `extras.command` when the log has one, else from the file: one that did not exist
 * was created, any other change reads as a `str_replace` (the action says which it was).
 */
function editObservationCommand(extras: FileEditObservation['extras']): V1FileEditorCommand {
  const stated = extras['command'];
  if (isEditorCommand(stated)) return stated;
  return extras.prev_exist === false ? 'create' : 'str_replace';
}

/** Whether an MCP result (the tool's `CallToolResult` as JSON) says the tool failed. */
function reportsError(content: string): boolean {
  try {
    const result: unknown = JSON.parse(content);
    return (
      typeof result === 'object' &&
      result !== null &&
      (result as Record<string, unknown>)['isError'] === true
    );
  } catch {
    return false;
  }
}

/** The object without its null and undefined fields (the arguments a model would have sent). */
function withoutNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== null && value !== undefined),
  );
}
