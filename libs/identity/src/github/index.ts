export type {
  GitHubAppKey,
  GitHubSignInPort,
  GitHubUser,
  RepositoryPermission,
} from './github-sign-in.port.js';
export {
  type GitHubOAuthClient,
  GitHubSignInNotConfiguredError,
  OctokitGitHubSignIn,
  type OctokitGitHubSignInOptions,
} from './octokit-github-sign-in.js';
