export {
  startSecretsManagerEmulator,
  type EmulatedSecret,
  type SecretsManagerEmulator,
  type SecretsManagerEmulatorOptions,
} from './emulator.js';
