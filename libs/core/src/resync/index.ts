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
