import type { ConversationTrigger, InitSessionRequest } from '@parley/protocol';

/** Upstream's trigger of a new conversation: the API (a Bearer key), a task, or the GUI. */
export function triggerFor(request: InitSessionRequest, viaApiKey: boolean): ConversationTrigger {
  if (viaApiKey) return 'openhands_api';
  if (request.create_microagent != null) return 'microagent_management';
  if (request.suggested_task != null) return 'suggested_task';
  return 'gui';
}
