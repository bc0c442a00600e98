export { GitHubApiError } from './github-api-error.js';
export { KeyedQueue } from './keyed-queue.js';
export {
  createOctokitGitHub,
  type OctokitGitHubOptions,
  type OctokitLog,
  OctokitGitHub,
} from './octokit-github.js';
