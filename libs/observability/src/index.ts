export { createLogger, loggerOptions, REDACTED_PATHS } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { OpsModule, type OpsOptions } from './ops.module.js';
export { METRICS } from './ops.tokens.js';
export { runReadiness, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export {
  EXIT_CONFIG,
  runService,
  type RunningService,
  type ServiceDefinition,
} from './run-service.js';
export { shutdownStep } from './shutdown-step.js';
