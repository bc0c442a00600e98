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
