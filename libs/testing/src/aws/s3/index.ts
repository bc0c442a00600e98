export {
  startS3Emulator,
  type EmulatedObject,
  type S3Emulator,
  type S3EmulatorOptions,
} from './emulator.js';
