export {
  clampLimits,
  describeClamp,
  type LimitClamp,
  type LimitName,
  runtimeCeilings,
  type RuntimeCeilingDefaults,
  type RuntimeCeilings,
  type RuntimeLimits,
  serviceCountProblem,
} from './runtime-ceilings.js';
export {
  admitMemory,
  DEFAULT_MEMORY_COMMIT_RATIO,
  hostMemoryCommitBytes,
  type MemoryAdmission,
  type MemoryAdmissionInput,
} from './memory-commitment.js';
export {
  ADMISSION_WAITER_STALE_MS,
  type AdmissionWaiter,
  DEFAULT_ADMISSION_MAX_WAIT_S,
  formatWait,
  type QueuedAdmission,
  type QueuedAdmissionInput,
  queueAdmission,
  waitersAhead,
} from './admission-queue.js';
