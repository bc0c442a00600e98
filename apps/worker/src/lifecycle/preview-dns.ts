import { Route53Client } from '@aws-sdk/client-route-53';
import { dnsTarget, type WorkerConfig } from '@berth/config';
import type { PreviewDns } from '@berth/core';
import type { ReadinessCheck } from '@berth/observability';
import { Route53Dns, WildcardDns } from '@berth/providers';
import type { Logger } from 'pino';

/**
 * The worker's DNS driver (DNS_PROVIDER): checked once at start, so a missing wildcard record or
 * an unreachable zone is in the first lines of the log; Route 53 also answers on /readyz.
 */
export async function previewDns(
  config: WorkerConfig,
  logger: Logger,
): Promise<{ dns: PreviewDns; checks: ReadinessCheck[]; close: () => void }> {
  if (config.DNS_PROVIDER === 'route53') {
    // Region, credentials and endpoint (AWS_ENDPOINT_URL_ROUTE_53): the SDK's own settings.
    // The driver retries throttling itself, with jitter, across a whole batch.
    const client = new Route53Client({ maxAttempts: 1 });
    const dns = new Route53Dns({
      client,
      // The config schema requires both with route53.
      hostedZoneId: config.ROUTE53_HOSTED_ZONE_ID ?? '',
      target: dnsTarget(config.DNS_TARGET ?? ''),
      ttl: config.DNS_TTL_S,
      baseDomain: config.BASE_DOMAIN,
      logger: logger.child({ component: 'dns' }),
    });
    await report(dns, logger);
    const check: ReadinessCheck = {
      name: 'route53',
      check: async () => {
        const result = await dns.check();
        if (!result.ok) throw new Error(result.message);
      },
    };
    return { dns, checks: [check], close: () => client.destroy() };
  }
  const dns = new WildcardDns({ baseDomain: config.BASE_DOMAIN });
  await report(dns, logger);
  return { dns, checks: [], close: () => undefined };
}

async function report(dns: PreviewDns, logger: Logger): Promise<void> {
  const result = await dns.check().catch((error: unknown) => ({
    ok: false,
    message: error instanceof Error ? error.message : String(error),
  }));
  if (result.ok) logger.info({ dns: dns.provider }, result.message);
  else logger.warn({ dns: dns.provider }, `DNS is not ready: ${result.message}`);
}
