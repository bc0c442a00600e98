export {
  assertMasterKey,
  openSecret,
  sealSecret,
  type SealedSecret,
  type SecretAddress,
  SecretDecryptionError,
} from './envelope.js';
export { SECRET_NAME, type SecretStore } from './secret-store.js';
export {
  credentialsIn,
  isSecretName,
  type SecretValueSources,
  secretValuesOf,
} from './secret-values.js';
