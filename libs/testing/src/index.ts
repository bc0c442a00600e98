// Test support: a GitHub API + git emulator and a GitHub-format webhook sender, AWS and Slack
// wire-protocol emulators.
export * from './github/index.js';
export * from './webhooks/index.js';
export * from './control-plane/index.js';
export * from './fixtures/one-service-app.js';
export * from './oidc/index.js';
export * from './aws/index.js';
export * from './slack/index.js';
