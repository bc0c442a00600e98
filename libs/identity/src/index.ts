// Sign-in providers for the gateway's SSO (decision 0014): ports and their one driver each.
// A library of its own so the gateway (an edge process) never loads Docker or git drivers.
export * from './github/index.js';
export * from './oidc/index.js';
