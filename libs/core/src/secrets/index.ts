export {
  assertMasterKey,
  MasterKeyring,
  masterKeyId,
  openSecret,
  openWithRing,
  rewrapSecret,
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
export {
  mergeLayers,
  parseReference,
  previewSecretName,
  SCOPED_SECRET_NAME,
  SECRET_LAYERS,
  type ScopedEntry,
  type ScopeTarget,
  scopeKey,
  type SecretLayer,
} from './secret-scopes.js';
export {
  findDeclaredHosts,
  type HostFinding,
  hostMatches,
  type HostRules,
  NO_PRODUCTION_RULES,
  parseHostRules,
  parseProductionRules,
  productionRuleFor,
  type ProductionRules,
  type SecretIdentity,
} from './production-rules.js';
export type {
  PreviewScopeInventoryItem,
  PreviewScopeRef,
  PreviewScopes,
  SecretReferences,
} from './preview-scopes.js';
