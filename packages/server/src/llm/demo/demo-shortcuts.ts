/**
 * The demo model's shortcuts for the workspace tools, so the offline quick start can run a command
 * and edit a file: `/run <command>` → `execute_bash`; `/create <path> <text>`, `/edit <path> <old>
 * => <new>` and `/view <path>` → `str_replace_editor`. Relative paths are under /workspace.
 */

export interface DemoToolCall {
  readonly toolName: string;
  /** The arguments as JSON text. */
  readonly input: string;
  /** What the demo says before the call. */
  readonly announcement: string;
}

const workspace = '/workspace';

/** The tool call a shortcut asks for, or undefined when `said` is not a shortcut. */
export function demoShortcut(said: string): DemoToolCall | undefined {
  const match = /^\/(run|create|edit|view)(?:\s+([\s\S]*))?$/.exec(said);
  if (match === null) return undefined;
  const rest = (match[2] ?? '').trim();
  switch (match[1]) {
    case 'run':
      if (rest === '') return undefined;
      return call('execute_bash', { command: rest }, `Running \`${rest}\` in the sandbox.`);
    case 'view':
      return editor({ command: 'view', path: absolute(rest === '' ? '.' : rest) }, 'Viewing');
    case 'create': {
      const { path, text } = pathAndText(rest);
      if (path === '') return undefined;
      return editor(
        { command: 'create', path: absolute(path), file_text: `${text}\n` },
        'Creating',
      );
    }
    default: {
      const { path, text } = pathAndText(rest);
      const arrow = text.indexOf(' => ');
      if (path === '' || arrow === -1) return undefined;
      return editor(
        {
          command: 'str_replace',
          path: absolute(path),
          old_str: text.slice(0, arrow),
          new_str: text.slice(arrow + 4),
        },
        'Editing',
      );
    }
  }
}

function editor(args: Record<string, string>, verb: string): DemoToolCall {
  return call('str_replace_editor', args, `${verb} ${args['path'] ?? ''}.`);
}

function call(toolName: string, args: Record<string, string>, announcement: string): DemoToolCall {
  return { toolName, input: JSON.stringify(args), announcement };
}

function pathAndText(rest: string): { path: string; text: string } {
  const space = rest.search(/\s/);
  if (space === -1) return { path: rest, text: '' };
  return { path: rest.slice(0, space), text: rest.slice(space).trim() };
}

function absolute(path: string): string {
  if (path.startsWith('/')) return path;
  if (path === '.' || path === '') return workspace;
  return `${workspace}/${path.replace(/^\.\//, '')}`;
}
