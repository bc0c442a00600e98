export { type PlannedResource, ResourceLedger } from './ledger/resource-ledger.js';
export { withEnvironmentLock } from './pipeline/environment-lock.js';
export {
  type EnvironmentWithRepository,
  type StageHandler,
  type StageInput,
  type StageOutcome,
  SupersededError,
} from './pipeline/stage-handler.js';
export { StageRunner, type StageRunnerDeps, type StageRunResult } from './pipeline/stage-runner.js';
export { type ReportedEvent, type StatusReporter } from './pipeline/status-reporter.js';
export { type RevisionImages, type RevisionWiring } from './pipeline/revision-outputs.js';
