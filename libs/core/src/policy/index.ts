export { type Admission, admitRepository, type Allowlist, parseAllowlist } from './allowlist.js';
export {
  ACCESS_MODES,
  IP_ALLOWLIST_MAX,
  PREVIEW_ACCESS_MODES,
  type PreviewAccessMode,
  type AccessModeSetting,
  allowedVariables,
  DB_MODES,
  type DbModeSetting,
  defaultRepositorySettings,
  isGitHubLogin,
  isRepositoryFullName,
  parseRepositorySettingsPatch,
  type RepositorySettings,
  type RepositorySettingsPatch,
  repositorySettingsPatchSchema,
  type SettingsProblem,
} from './repository-settings.js';
export { normaliseSlackChannel, SLACK_CHANNEL_FORM } from './slack-channel.js';
