export {
  decide,
  type EnvironmentSnapshot,
  type EnvironmentUpdate,
  jobsForState,
  type LabelNote,
  storedConfig,
  type TriggerDecision,
  type TriggerJob,
} from './decide.js';
export { type DeliveryMeta, recordDelivery, settleDelivery } from './deliveries.js';
export {
  handlePullRequestDelivery,
  type TriggerDeps,
  type TriggerResult,
} from './handle-pull-request.js';
export {
  HANDLED_ACTIONS,
  type HandledAction,
  isHandledAction,
  parsePullRequestEvent,
  PayloadError,
  type PullRequestEvent,
} from './pull-request-event.js';
