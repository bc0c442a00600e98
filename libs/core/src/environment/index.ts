export {
  ENVIRONMENT_STATES,
  type EnvironmentState,
  PIPELINE_STAGES,
  type PipelineStage,
  type StartGate,
  isTerminal,
  mayHoldResources,
  nextStage,
} from './states.js';
export {
  type EnvironmentEvent,
  type TransitionError,
  type TransitionErrorCode,
  type TransitionResult,
  transition,
} from './transition.js';
export {
  type GenerationChange,
  INITIAL_GENERATION,
  isSuperseded,
  nextGeneration,
} from './generation.js';
export { type ApprovalInput, type ApprovalState, approvalState, startGate } from './approval.js';
export {
  decide,
  type DecisionFacts,
  type EnvironmentSnapshot,
  type EnvironmentUpdate,
  jobsForState,
  type LabelNote,
  storedConfig,
  type TriggerDecision,
  type TriggerJob,
} from './decide-pull-request.js';
export {
  orderEvent,
  type OrderingSnapshot,
  type OrderingVerdict,
  type PullRequestNow,
} from './ordering.js';
export { decideRerun, type RerunDecision, type RerunRequest } from './rerun.js';
export {
  decideTtl,
  DEFAULT_TTL_POLICY,
  effectiveTtl,
  extendTtl,
  TTL_EXTEND_MAX_MS,
  TTL_EXTEND_MIN_MS,
  TTL_WARN_LEAD_MAX_MS,
  type TtlExtension,
  type TtlFacts,
  type TtlPolicy,
  type TtlSource,
  type TtlTerms,
  ttlTerms,
  type TtlVerdict,
  warnLeadMs,
} from './ttl.js';
export {
  decideIdleSleep,
  decideSleep,
  decideWake,
  effectiveIdleHours,
  IDLE_SLEEP_MAX_HOURS,
  type IdleFacts,
  type IdlePolicy,
  idleSince,
  type IdleVerdict,
  isIdleSleepHours,
  type SleepFacts,
  type SleepVerdict,
  type WakeVerdict,
} from './sleep.js';
