export type {
  DnsCheck,
  DnsInventoryItem,
  DnsOwner,
  PreviewDns,
  PublishedRecord,
} from './dns-port.js';
export { DnsOwnershipError, type ForeignRecord } from './dns-errors.js';
export {
  hostOfOwnershipName,
  normalizeDnsHost,
  OWNERSHIP_PREFIX,
  ownershipName,
  ownershipValue,
  parseOwnershipValue,
} from './ownership-record.js';
export {
  type BatchChange,
  type ChangeBatchLimits,
  changeWeight,
  type ChangeWeight,
  fitsLimits,
  ROUTE53_BATCH_LIMITS,
  splitIntoBatches,
} from './change-batches.js';
export { backoffCeiling, type BackoffPolicy, fullJitterBackoff } from './backoff.js';
