export {
  DEFAULT_CONFIG,
  type DatabaseMode,
  LABEL_OPTIONS,
  type LabelOption,
  type PreviewConfig,
  type PreviewMode,
  SUPPORTED_LABEL_OPTIONS,
  TTL_DEFAULT_MS,
  TTL_MAX_MS,
  TTL_MIN_MS,
} from './label-config.js';
export {
  type LabelProblem,
  type ParseLabelsOptions,
  type ParsedLabels,
  parseLabels,
  TTL_LABEL_MIN_MS,
} from './parse-labels.js';
export { configChanged, configDifferences } from './config-changed.js';
