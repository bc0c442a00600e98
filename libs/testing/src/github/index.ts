export {
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
} from './emulator.js';
export type { Fault, FaultOptions } from './faults.js';
export type { FileChanges } from './git.js';
export type { CreateRepositoryOptions, OpenPullRequestOptions, PushOptions } from './scenario.js';
export type { DeliveryRecord, WebhookTarget } from './webhook-emitter.js';
export type * from './types.js';
