// Local emulators of the AWS services Berth's drivers call, speaking the real wire protocols.
export * from './secrets-manager/index.js';
export * from './route53/index.js';
export * from './s3/index.js';
export type { AwsFault, AwsFaultOptions, AwsFaultInjector } from './shared/faults.js';
export type { AwsRequestLogEntry } from './shared/request-log.js';
