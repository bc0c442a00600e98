export {
  type E2eOutcome,
  type E2eRunInput,
  E2eRunner,
  type E2eRunnerDeps,
  e2eExternalId,
} from './e2e-runner.js';
export { E2eDelivery, type E2eDeliveryDeps, type E2eDeliveryResult } from './e2e-delivery.js';
