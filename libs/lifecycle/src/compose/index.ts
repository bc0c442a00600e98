export { parseComposeVariables, readComposeVariables } from './compose-variables.js';
export {
  ComposeFileError,
  declaredSecretNames,
  loadCompose,
  type LoadComposeInput,
  type LoadedCompose,
  type PreviewAddresses,
  previewAddresses,
} from './load-compose.js';
export type { PreviewSettings } from './preview-settings.js';
export { ComposeNotFoundError, type ComposeSource, readComposeSource } from './compose-source.js';
export {
  type ComposeSettings,
  checkoutRevision,
  identityOf,
  loadRevisionCompose,
  operatorVariables,
  type RevisionSourceDeps,
} from './revision-source.js';
