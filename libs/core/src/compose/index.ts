export * from './model.js';
export { type ComposeProblem, ComposeError } from './problems.js';
export { MAX_ALIAS_COUNT, MAX_COMPOSE_BYTES, composeServiceNames } from './load-yaml.js';
export {
  type ParseComposeOptions,
  type ParseComposeResult,
  parseCompose,
  parseComposeFiles,
  parseComposeOrThrow,
} from './parse-compose.js';
export {
  type ComposeFile,
  type LoadTreeOptions,
  type RepoFileReader,
  composeOutline,
} from './load-tree.js';
export { COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES, composeNotFoundMessage } from './discovery.js';
export { NON_HTTP_PORTS, isNonHttpPort } from './non-http-ports.js';
export { type InterpolationContext, InterpolationError, interpolate } from './interpolate.js';
export { type StartPlan, startOrder } from './graph.js';
export { BASELINE_CAPABILITIES, CAPABILITY_ALLOWLIST } from './capabilities.js';
export { shellSplit } from './fields.js';
export { type ComposeProblemLocation, composeProblemLines } from './problem-lines.js';
export {
  E2E_DEFAULT_TIMEOUT_S,
  E2E_MAX_TIMEOUT_S,
  E2E_MIN_TIMEOUT_S,
  E2E_TESTS_IMAGE,
  type E2eTestSpec,
} from './x-berth-tests.js';
export { applyShape, type ShapedSpec, type StackShape } from './stack-shape.js';
