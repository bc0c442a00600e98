export * from './container-host/index.js';
export * from './github/index.js';
export * from './source/index.js';
export * from './secrets/index.js';
export * from './dns/index.js';
export * from './chat/index.js';
export * from './objects/index.js';
