export {
  type CheckRunAnnotation,
  type CheckRunConclusion,
  type CheckRunState,
  type CheckRunStatus,
  type CheckRunWrite,
  type CommitState,
  type DefaultBranchAnswer,
  type DefaultBranchHead,
  type GitHubPort,
  type OpenPullRequests,
  type CommentReaction,
  type PermissionLevel,
  type PullRequestSnapshot,
  type PullRequestState,
  type RepositoryCoordinates,
  STATUS_CONTEXT,
  STICKY_COMMENT_MARKER,
} from './github.port.js';
export * from './octokit/index.js';
export {
  CredentialSwitchingGitHub,
  type GitHubAppKey,
  GitHubAppNotConfiguredError,
} from './credential-switching-github.js';
