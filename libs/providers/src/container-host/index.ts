export * from './container-host.port.js';
export * from './container-host.errors.js';
export { CAPABILITY_ALLOWLIST, DEFAULT_LIMITS } from './security-policy.js';
export { Semaphore } from './semaphore.js';
export * from './docker/index.js';
