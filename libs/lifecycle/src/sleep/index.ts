export {
  EnvironmentSleep,
  type EnvironmentSleepDeps,
  type SleepResult,
  type WakeResult,
} from './environment-sleep.js';
export { idleFacts, IdleSweep, type IdleSweepDeps, type IdleSweepReport } from './idle-sweep.js';
export { EnvironmentBusyError } from './leased.js';
