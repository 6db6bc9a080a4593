// The vocabulary shared by the API, the workflows and the activities. Pure: no I/O, safe in workflow code.
export * from './data-types.js';
export * from './pull-status.js';
export * from './refresh.js';
export * from './sync-settings.js';
export * from './prerequisites.js';
export * from './source-time.js';
