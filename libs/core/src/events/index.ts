export {
  HANDLED_ACTIONS,
  type HandledAction,
  isHandledAction,
  parsePullRequestEvent,
  PayloadError,
  type PullRequestEvent,
} from './pull-request-event.js';
