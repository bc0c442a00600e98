export { ConfigError, formatProblems, type ConfigProblem } from './config-error.js';
export { loadConfig } from './load-config.js';
export { redactConfig, SECRET_KEYS } from './secrets.js';
export {
  apiConfigSchema,
  gatewayConfigSchema,
  workerConfigSchema,
  WORKER_ROLES,
  type WorkerRole,
  type ApiConfig,
  type GatewayConfig,
  type WorkerConfig,
} from './schemas.js';
export { oidcSettingsOf, type OidcSettings } from './sso-settings.js';
export { dnsTarget } from './dns-settings.js';
export { priceTableOf } from './cost-settings.js';
export { parseConsoleRoleRules } from './console-sign-in-settings.js';
