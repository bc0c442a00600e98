export { type PlannedResource, ResourceLedger } from '@berth/db';
export {
  type EnvironmentWithRepository,
  type StageHandler,
  type StageInput,
  type StageOutcome,
  PermanentStageError,
  SupersededError,
} from './pipeline/stage-handler.js';
export {
  LeaseLostError,
  StageRunner,
  type StageRunnerDeps,
  type StageRunResult,
} from './pipeline/stage-runner.js';
export {
  EnvironmentCommands,
  type EnvironmentCommandsDeps,
  type LifecycleEventKind,
  type OperatorActionOutcome,
  type PullRequestOutcome,
  type SleepOutcome,
  staleReason,
  type StageWrite,
  type TtlContext,
  ttlFactsOf,
  type TtlOutcome,
  type WakeOutcome,
} from './commands/environment-commands.js';
export { type ReportedEvent, type StatusReporter } from './pipeline/status-reporter.js';
export { type RevisionImages, type RevisionWiring } from './pipeline/revision-outputs.js';
export * from './trigger/index.js';
export {
  createReplicateHandler,
  type ReplicateDeps,
  type ReplicateDetails,
  type ServiceOutcome,
} from './replicate/replicate-handler.js';
export {
  AdmissionTimeoutError,
  type HostMemoryAdmission,
  type MemoryAdmissionDetails,
} from './replicate/memory-admission.js';
export { containerEndpoint, type EnvironmentRef } from './replicate/container-endpoint.js';
export { BASE_STATES_KEPT, BaseStates } from './replicate/base-states.js';
export { BASELINE_CAPABILITIES, replicatePlan } from './replicate/container-plan.js';
export { ReconcileQueries, SubnetLedger } from '@berth/db';
export { SubnetAllocator, SubnetPoolExhaustedError } from './replicate/subnet-allocator.js';
export {
  createTeardownHandler,
  type TeardownDeps,
  type TeardownDetails,
} from './teardown/teardown-handler.js';
export * from './compose/index.js';
export * from './build/index.js';
export * from './wire/index.js';
export * from './expose/index.js';
export * from './secrets/index.js';
export { type RoutePublisher } from './pipeline/route-publisher.js';
export { SinkDelivery, type SinkDeliveryDeps, type SinkResult } from './notify/sink-delivery.js';
export {
  type CheckRunDelivery,
  CheckRunSink,
  type CheckRunSinkDeps,
} from './notify/check-run-sink.js';
export { type SlackDelivery, SlackSink, type SlackSinkDeps } from './notify/slack-sink.js';
export { OutboxRelay, type OutboxRelayDeps } from './outbox/outbox-relay.js';
export {
  ConvergenceSweep,
  type ConvergenceSweepDeps,
  type SweepResult,
} from './converge/convergence-sweep.js';
export * from './verify/index.js';
export {
  candidateFacts,
  type TtlExtendResult,
  TtlSweep,
  type TtlSweepDeps,
  type TtlSweepReport,
} from './ttl/ttl-sweep.js';
export { TtlQueries } from '@berth/db';
export * from './sleep/index.js';
export { SleepQueries } from '@berth/db';
export {
  Reconciler,
  type ReconcileFailure,
  type ReconcileInventory,
  type ReconcilerDeps,
  type ReconcileReport,
  summary as reconcileSummary,
} from './reconcile/reconciler.js';
export {
  type CloudReconcile,
  DNS_LEDGER_HOST,
  SECRETS_LEDGER_HOST,
} from './reconcile/cloud-inventory.js';
export {
  GitHubResync,
  type GitHubResyncDeps,
  type ResyncCache,
  type ResyncDeliveryReport,
  type ResyncReport,
  type ResyncRepositoryReport,
} from './resync/github-resync.js';
export { ResyncQueries } from '@berth/db';
export {
  type RepositoryUsage,
  UsageSampler,
  type UsageSamplerDeps,
  type UsageSampleReport,
} from './cost/usage-sampler.js';
export { CostQueries, UsageStore } from '@berth/db';
export { type PreviewCost, previewCost } from './cost/preview-cost.js';
export { FeedSink, type FeedSinkDeps } from './notify/feed-sink.js';
export { LogRelay, type LogRelayDeps } from './logs/log-relay.js';
