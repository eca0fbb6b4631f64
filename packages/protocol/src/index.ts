export * from './v0/index.js';
export * from './rest/index.js';
export * from './v1/index.js';
