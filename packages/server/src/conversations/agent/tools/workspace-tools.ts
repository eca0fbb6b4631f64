/**
 * The tools of a conversation whose agent acts in a sandbox: `execute_bash` and
 * `str_replace_editor` over the conversation's workspace, beside `think` and `finish`.
 */
import type { Sandbox } from '../../../runtime/sandbox.js';
import { WorkspaceFiles } from '../../../runtime/workspace-files.js';
import { workspaceIdFor } from '../../conversation-workspace.js';
import type { Logger } from '../../../shared/logger.js';
import { lazyMcpTools } from '../mcp/lazy-mcp-tools.js';
import { finishTool, thinkTool, ToolRegistry } from '../tool-registry.js';
import type { AgentLoopOptions } from '../agent-loop-options.js';
import { executeBashTool, runCommand } from './execute-bash-tool.js';
import { FileEditor } from './file-editor.js';
import { SandboxEditorFiles } from './sandbox-editor-files.js';
import { ShellSession } from './shell-session.js';
import { strReplaceEditorTool } from './str-replace-editor-tool.js';
import { workspaceSystemPrompt } from './workspace-system-prompt.js';

export interface WorkspaceToolsOptions {
  readonly sandbox: Sandbox;
  /** The workspace's files (the routes' instance, with their caps); one over `sandbox` if absent. */
  readonly files?: WorkspaceFiles;
  readonly conversationId: string;
  /** Report a command back after this long without output (default 30 s). */
  readonly quietMs?: number;
  /** Variables every command sees (the user's custom secrets, when the operator exports them). */
  readonly env?: Readonly<Record<string, string>>;
  /** The user's `mcp_config`: its servers' tools are offered beside the built-in ones. */
  readonly mcpConfig?: unknown;
  readonly logger: Logger;
}

/** A conversation's tools, and how the user's own commands (`run` actions) reach its shell. */
export interface ConversationTools {
  readonly registry: ToolRegistry;
  /** The system prompt for these tools; the manager's default when absent. */
  readonly systemPrompt?: string;
  readonly runUserCommand?: AgentLoopOptions['runUserCommand'];
}

export function createWorkspaceTools(options: WorkspaceToolsOptions): ConversationTools {
  const workspaceId = workspaceIdFor(options.conversationId);
  const shell = new ShellSession({
    sandbox: options.sandbox,
    workspaceId,
    ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const editor = new FileEditor(
    new SandboxEditorFiles(
      options.sandbox,
      options.files ?? new WorkspaceFiles(options.sandbox),
      workspaceId,
    ),
  );
  const mcp = lazyMcpTools(options.mcpConfig, {
    sandbox: options.sandbox,
    workspaceId,
    logger: options.logger.child({ module: 'mcp' }),
  });
  const registry = new ToolRegistry(
    [executeBashTool(shell), strReplaceEditorTool(editor), thinkTool, finishTool],
    [() => shell.close(), () => mcp.close()],
    [(signal) => mcp.load(signal)],
  );
  return {
    registry,
    systemPrompt: workspaceSystemPrompt,
    runUserCommand: (command, runOptions) =>
      runCommand(shell, { command, isInput: false }, runOptions),
  };
}
