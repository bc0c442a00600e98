export {
  ApprovalPermissions,
  type PullRequestFactsSource,
  type RepositoryRef,
} from './github-facts.js';
export { InboxProcessor, type InboxProcessorDeps } from './inbox-processor.js';
export { RepositoryAdmission, type RepositoryGate } from './repository-admission.js';
