export * from './conversation-info.js';
export * from './conversation-requests.js';
export * from './mcp-config.js';
export * from './settings.js';
export * from './secrets.js';
export * from './errors.js';
export * from './storable-text.js';
export * from './app-conversations.js';
