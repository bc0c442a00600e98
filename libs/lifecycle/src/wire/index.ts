export { createWireHandler, type WireHandlerDeps } from './wire-handler.js';
export { generateSecret, resolveSecrets, type ResolvedSecrets } from './environment-secrets.js';
