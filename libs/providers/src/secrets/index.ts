export {
  AwsPreviewScopes,
  isScheduledForDeletion,
  TAG_ENVIRONMENT,
  TAG_MANAGED,
  TAG_REPOSITORY,
} from './aws-preview-scopes.js';
export { AwsSecretReferences, MissingSecretReferenceError } from './aws-secret-references.js';
