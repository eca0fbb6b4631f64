/**
 * Tool frames as Parley's V1 face projects them (packages/protocol/src/v1/project-v1-tool-events.ts),
 * for the web client's card tests: commands, file edits and views, MCP calls, their results, live
 * command output, rejections and tool errors.
 */
import type {
  V1ActionEvent,
  V1AgentErrorEvent,
  V1ConfirmationState,
  V1FileEditorAction,
  V1FileEditorObservation,
  V1ObservationEvent,
  V1StreamingDeltaEvent,
  V1UserRejectObservation,
} from '@parley/protocol';

const timestamp = '2025-01-01T00:00:00.000Z';

interface ActionOptions {
  thought?: string;
  confirmation?: V1ConfirmationState;
}

function action(
  id: number,
  toolName: string,
  body: V1ActionEvent['action'],
  options: ActionOptions,
): V1ActionEvent {
  return {
    kind: 'ActionEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    thought: options.thought === undefined ? [] : [{ type: 'text', text: options.thought }],
    thinking_blocks: [],
    action: body,
    tool_name: toolName,
    tool_call_id: `call-${id}`,
    security_risk: 'UNKNOWN',
    ...(options.confirmation === undefined ? {} : { confirmation_state: options.confirmation }),
  };
}

function observation(
  id: number,
  actionId: number,
  toolName: string,
  body: V1ObservationEvent['observation'],
): V1ObservationEvent {
  return {
    kind: 'ObservationEvent',
    id: String(id),
    timestamp,
    source: 'environment',
    tool_name: toolName,
    tool_call_id: `call-${actionId}`,
    observation: body,
    action_id: String(actionId),
  };
}

export function commandAction(
  id: number,
  command: string,
  options: ActionOptions = {},
): V1ActionEvent {
  return action(
    id,
    'execute_bash',
    { kind: 'ExecuteBashAction', command, is_input: false, timeout: null, reset: false },
    options,
  );
}

export function commandObservation(
  id: number,
  actionId: number,
  output: string,
  options: { exitCode?: number | null; workingDir?: string; command?: string } = {},
): V1ObservationEvent {
  const exitCode = options.exitCode === undefined ? 0 : options.exitCode;
  return observation(id, actionId, 'execute_bash', {
    kind: 'ExecuteBashObservation',
    output,
    command: options.command ?? null,
    exit_code: exitCode,
    error: exitCode !== null && exitCode !== 0 && exitCode !== -1,
    timeout: exitCode === -1,
    metadata: {
      ...(exitCode === null ? {} : { exit_code: exitCode }),
      ...(options.workingDir === undefined ? {} : { working_dir: options.workingDir }),
    },
  });
}

/** A chunk of a running command's output. */
export function commandOutput(id: number, actionId: number, text: string): V1StreamingDeltaEvent {
  return {
    kind: 'StreamingDeltaEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    content: text,
    reasoning_content: null,
    action_id: String(actionId),
  };
}

export function editAction(
  id: number,
  fields: Partial<Omit<V1FileEditorAction, 'kind'>> & Pick<V1FileEditorAction, 'command' | 'path'>,
  options: ActionOptions = {},
): V1ActionEvent {
  return action(
    id,
    'str_replace_editor',
    {
      kind: 'FileEditorAction',
      file_text: null,
      old_str: null,
      new_str: null,
      insert_line: null,
      view_range: null,
      ...fields,
    },
    options,
  );
}

export function editObservation(
  id: number,
  actionId: number,
  fields: Partial<Omit<V1FileEditorObservation, 'kind'>> &
    Pick<V1FileEditorObservation, 'command' | 'path'>,
): V1ObservationEvent {
  return observation(id, actionId, 'str_replace_editor', {
    kind: 'FileEditorObservation',
    output: '',
    prev_exist: true,
    old_content: null,
    new_content: null,
    error: null,
    diff: null,
    ...fields,
  });
}

export function mcpAction(
  id: number,
  toolName: string,
  data: Record<string, unknown>,
  options: ActionOptions = {},
): V1ActionEvent {
  return action(id, toolName, { kind: 'MCPToolAction', data }, options);
}

export function mcpObservation(
  id: number,
  actionId: number,
  toolName: string,
  text: string,
  isError = false,
): V1ObservationEvent {
  return observation(id, actionId, toolName, {
    kind: 'MCPToolObservation',
    content: [{ type: 'text', text }],
    is_error: isError,
    tool_name: toolName,
  });
}

export function rejection(id: number, actionId: number, reason: string): V1UserRejectObservation {
  return {
    kind: 'UserRejectObservation',
    id: String(id),
    timestamp,
    source: 'environment',
    tool_name: 'execute_bash',
    rejection_reason: reason,
    action_id: String(actionId),
  };
}

export function toolError(id: number, actionId: number, error: string): V1AgentErrorEvent {
  return {
    kind: 'AgentErrorEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    tool_name: 'execute_bash',
    error,
    action_id: String(actionId),
  };
}
