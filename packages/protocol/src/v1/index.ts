export * from './v1-content.js';
export * from './v1-events.js';
export * from './v1-tool-schemas.js';
export * from './v1-execution-status.js';
export * from './v1-client-frames.js';
export * from './project-v1-event.js';
export * from './v1-event-queries.js';
