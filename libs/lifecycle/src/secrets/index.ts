export { environmentSecretValues, type SecretSources } from './environment-secret-values.js';
export {
  type MaterialisedSecrets,
  PreviewSecrets,
  type PreviewSecretsDeps,
} from './preview-secrets.js';
export { newSecretRefs, resolveSecretRefs, type SecretRefs, secretMarkers } from './secret-refs.js';
