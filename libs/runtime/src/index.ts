export { openStores, type Stores } from './stores.js';
export {
  GITHUB_APP_SECRET,
  GitHubAppCredentials,
  type GitHubAppCredentialsOptions,
  type GitHubAppEnv,
  type StoredGitHubApp,
  storedGitHubAppSchema,
} from './github-app-credentials.js';
