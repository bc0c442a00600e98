export { GitHubApiError } from './github-api-error.js';
export {
  createOctokitGitHub,
  type OctokitGitHubOptions,
  type OctokitLog,
  OctokitGitHub,
} from './octokit-github.js';
