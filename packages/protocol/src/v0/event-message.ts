import type { ActionEvent } from './action-event.js';
import type { ObservationEvent } from './observation-event.js';

/** Python's `text[:count]`: counts code points, not UTF-16 units. */
function firstCodePoints(text: string, count: number): string {
  return Array.from(text).slice(0, count).join('');
}

/**
 * The `message` upstream derives for an action or observation (its `message` property). Upstream
 * never reads `message` from input; it always serializes this value.
 */
export function eventMessage(event: ActionEvent | ObservationEvent): string {
  if ('action' in event) {
    switch (event.action) {
      case 'message':
      case 'system':
        return event.args.content;
      case 'change_agent_state':
        return `Agent state changed to ${event.args.agent_state}`;
      case 'run':
        return `Running command: ${event.args.command}`;
      case 'edit':
        return `Editing file: ${event.args.path}`;
      case 'read':
        return `Reading file: ${event.args.path}`;
      case 'call_tool_mcp':
        return `Calling MCP tool: ${event.args.name}`;
      case 'finish':
        return event.args.thought ? event.args.thought : "All done! What's next on the agenda?";
      case 'recall':
        return `Retrieving content for: ${firstCodePoints(event.args.query ?? '', 50)}`;
      case 'think':
        return `I am thinking...: ${event.args.thought ?? ''}`;
      case 'null':
        return 'No action';
    }
  }
  switch (event.observation) {
    case 'agent_state_changed':
      return '';
    case 'error':
    case 'user_rejected':
    case 'think':
      return event.content;
    case 'run':
      return `Command \`${event.extras.command}\` executed with exit code ${event.extras.metadata?.exit_code ?? -1}.`;
    case 'edit':
      return `I edited the file ${event.extras.path}.`;
    case 'read':
      return `I read the file ${event.extras.path}.`;
    case 'mcp':
      return event.content;
    case 'recall':
      return event.extras.recall_type === 'workspace_context'
        ? 'Added workspace context'
        : 'Added microagent knowledge';
    case 'null':
      return 'No observation';
  }
}
