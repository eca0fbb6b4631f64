export { agentStates, agentStateSchema } from './agent-state.js';
export type { AgentState } from './agent-state.js';
export { eventSources, eventSourceSchema } from './event-source.js';
export type { EventSource } from './event-source.js';
export { securityRisks, securityRiskSchema, isSecurityRisk } from './security-risk.js';
export type { SecurityRisk } from './security-risk.js';
export { confirmationStates, confirmationStateSchema } from './confirmation-state.js';
export type { ConfirmationState } from './confirmation-state.js';
export {
  llmMetricsSchema,
  tokenUsageSchema,
  llmCostSchema,
  responseLatencySchema,
} from './llm-metrics.js';
export type { LlmMetrics, TokenUsage, LlmCost, ResponseLatency } from './llm-metrics.js';
export { toolCallMetadataSchema } from './tool-call-metadata.js';
export type { ToolCallMetadata } from './tool-call-metadata.js';
export { eventIdSchema, eventTimestampSchema, eventCommonFields } from './event-common-fields.js';
export {
  actionTypes,
  isActionType,
  actionTimeoutSchema,
  messageActionArgsSchema,
  systemMessageActionArgsSchema,
  changeAgentStateActionArgsSchema,
  cmdRunActionArgsSchema,
  agentFinishActionArgsSchema,
  recallActionArgsSchema,
  agentThinkActionArgsSchema,
  nullActionArgsSchema,
  messageActionSchema,
  systemMessageActionSchema,
  changeAgentStateActionSchema,
  cmdRunActionSchema,
  fileEditActionSchema,
  fileReadActionSchema,
  mcpActionSchema,
  agentFinishActionSchema,
  recallActionSchema,
  agentThinkActionSchema,
  nullActionSchema,
  actionEventSchema,
} from './action-event.js';
export type {
  ActionType,
  ActionEvent,
  MessageAction,
  SystemMessageAction,
  ChangeAgentStateAction,
  CmdRunAction,
  FileEditAction,
  FileReadAction,
  McpAction,
  AgentFinishAction,
  RecallAction,
  AgentThinkAction,
  NullAction,
} from './action-event.js';
export {
  observationTypes,
  isObservationType,
  agentStateChangedObservationExtrasSchema,
  errorObservationExtrasSchema,
  cmdOutputMetadataSchema,
  cmdOutputObservationExtrasSchema,
  userRejectObservationExtrasSchema,
  recallObservationExtrasSchema,
  agentThinkObservationExtrasSchema,
  nullObservationExtrasSchema,
  agentStateChangedObservationSchema,
  errorObservationSchema,
  cmdOutputObservationSchema,
  fileEditObservationSchema,
  fileReadObservationSchema,
  mcpObservationSchema,
  userRejectObservationSchema,
  recallObservationSchema,
  agentThinkObservationSchema,
  nullObservationSchema,
  observationEventSchema,
} from './observation-event.js';
export type {
  ObservationType,
  ObservationEvent,
  CmdOutputMetadata,
  AgentStateChangedObservation,
  ErrorObservation,
  CmdOutputObservation,
  FileEditObservation,
  FileReadObservation,
  McpObservation,
  UserRejectObservation,
  RecallObservation,
  AgentThinkObservation,
  NullObservation,
} from './observation-event.js';
export {
  fileEditActionArgsSchema,
  fileReadActionArgsSchema,
  mcpActionArgsSchema,
} from './tool-action-args.js';
export {
  fileEditObservationExtrasSchema,
  fileReadObservationExtrasSchema,
  mcpObservationExtrasSchema,
} from './tool-observation-extras.js';
export { streamingDeltaEventSchema } from './streaming-delta-event.js';
export type { StreamingDeltaEvent } from './streaming-delta-event.js';
export { parleyEventSchema, isAction, isObservation, isStreamingDelta } from './parley-event.js';
export type { ParleyEvent } from './parley-event.js';
export { InvalidEventError } from './invalid-event-error.js';
export type { InvalidEventCode, InvalidEventIssue } from './invalid-event-error.js';
export { upgradeLegacyActionArgs } from './upgrade-legacy-action-args.js';
export { parseEvent, parseIncomingAction } from './event-parse.js';
export { serializeEvent, eventTopKeys } from './event-serialize.js';
export {
  eventTypeNames,
  isEventTypeName,
  eventKindAndType,
  eventTypeName,
  resolveEventTypeName,
  isHiddenEvent,
} from './event-type-names.js';
export type { EventKind, EventKindAndType, EventTypeName } from './event-type-names.js';
export { eventMessage } from './event-message.js';
export { agentStateChangedObservation } from './agent-state-changed-observation.js';
export { errorObservation } from './error-observation.js';
export type {
  SocketIoEventPayload,
  SocketIoHeartbeat,
  SocketIoServerToClientEvents,
  SocketIoClientToServerEvents,
} from './socket-io-events.js';
