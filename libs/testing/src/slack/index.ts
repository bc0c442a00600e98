export {
  startSlackEmulator,
  type EmulatedSlackMessage,
  type SlackEmulator,
  type SlackEmulatorOptions,
  type SlackRequestLogEntry,
} from './emulator.js';
export type { SlackFault, SlackFaultOptions } from './faults.js';
