export {
  HANDLED_ACTIONS,
  type HandledAction,
  isHandledAction,
  parsePullRequestEvent,
  PayloadError,
  type PullRequestEvent,
} from './pull-request-event.js';
export {
  BERTH_CHECK_RUN_NAME,
  type CheckRunWebhook,
  checkRunExternalId,
  notOurRerun,
  parseCheckRunEvent,
  parseCheckRunExternalId,
} from './check-run-event.js';
export {
  BASE_ENVIRONMENT_PR,
  isBaseEnvironment,
  parsePushEvent,
  type PushDecision,
} from './push-event.js';
