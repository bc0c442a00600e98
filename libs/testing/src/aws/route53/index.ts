export {
  startRoute53Emulator,
  type EmulatedRecord,
  type Route53Emulator,
  type Route53EmulatorOptions,
  type Route53ExtraFault,
} from './emulator.js';
