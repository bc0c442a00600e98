export { environmentSecretValues, type SecretSources } from './environment-secret-values.js';
