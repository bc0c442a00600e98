export {
  basePushPayload,
  type BasePushDelivery,
  type BasePushInput,
  planBasePush,
  type ResyncBranchHead,
} from './base-push.js';
export {
  closedCandidates,
  planResync,
  type ResyncDelivery,
  resyncDeliveryId,
  type ResyncEnvironment,
  type ResyncInput,
  resyncPayload,
  type ResyncPullRequest,
  type ResyncReason,
} from './resync-plan.js';
