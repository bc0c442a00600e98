export {
  type E2eOutcome,
  type E2eRunInput,
  E2eRunner,
  type E2eRunnerDeps,
  e2eExternalId,
} from './e2e-runner.js';
