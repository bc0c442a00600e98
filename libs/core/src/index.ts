// Pure core of Berth: no Nest, no I/O, no process.env. One folder per concern.
export * from './naming/index.js';
export * from './units/index.js';
export * from './labels/index.js';
export * from './environment/index.js';
export * from './events/index.js';
export * from './compose/index.js';
export * from './templating/index.js';
export * from './build/index.js';
export * from './access/index.js';
export * from './report/index.js';
export * from './network/index.js';
export * from './revision/index.js';
export * from './secrets/index.js';
export * from './policy/index.js';
export * from './images/index.js';
export * from './resources/index.js';
export * from './dns/index.js';
