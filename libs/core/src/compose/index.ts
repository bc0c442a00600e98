export * from './model.js';
export { type ComposeProblem, ComposeError } from './problems.js';
export { MAX_ALIAS_COUNT, MAX_COMPOSE_BYTES, composeServiceNames } from './load-yaml.js';
export {
  type ParseComposeOptions,
  type ParseComposeResult,
  parseCompose,
  parseComposeOrThrow,
} from './parse-compose.js';
export { type InterpolationContext, InterpolationError, interpolate } from './interpolate.js';
export { type StartPlan, startOrder } from './graph.js';
export { BASELINE_CAPABILITIES, CAPABILITY_ALLOWLIST } from './capabilities.js';
export { shellSplit } from './fields.js';
