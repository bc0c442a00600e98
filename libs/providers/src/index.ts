export * from './container-host/index.js';
export * from './github/index.js';
