export type { DnsLogger } from './dns-logger.js';
export type { GatewayTarget } from './gateway-records.js';
export { Route53Dns, type Route53DnsOptions } from './route53-dns.js';
export {
  DEFAULT_RETRY_POLICY,
  isRetryableRoute53Error,
  type RetryPolicy,
} from './route53-retry.js';
export { type HostResolver, WildcardDns, type WildcardDnsOptions } from './wildcard-dns.js';
