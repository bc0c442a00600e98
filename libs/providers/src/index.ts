export * from './container-host/index.js';
