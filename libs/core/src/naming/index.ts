export { sha256Hex, shortHash } from './hash.js';
export { slugify, stableSlug } from './slug.js';
export { MAX_LABEL_LENGTH, fitName, isDnsLabel, normalizeBaseDomain } from './dns-label.js';
export {
  type EnvironmentIdentity,
  type RepositoryRef,
  assertPrNumber,
  environmentIdentity,
  environmentKey,
  parseRepositoryFullName,
  repoNameSlug,
  repoSlug,
} from './identity.js';
export {
  containerName,
  databaseName,
  databaseRoleName,
  environmentDomain,
  environmentLabel,
  imageTag,
  jobId,
  networkName,
  previewHostname,
  type PreviewUrlOptions,
  previewUrl,
  serviceLabel,
  volumeName,
} from './resource-names.js';
export {
  LABEL_ENV,
  LABEL_MANAGED,
  LABEL_PR,
  LABEL_REPO,
  LABEL_SERVICE,
  resourceLabels,
} from './resource-labels.js';
