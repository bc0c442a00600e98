import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { CliEnv } from '../cli-context.js';
import { awsClientConfig, awsWhere } from './aws-client-config.js';
import { type CheckResult, fail, ok, reason, skip, within, workerSetting } from './check.js';

/**
 * Preview hostnames: with DNS_PROVIDER=wildcard a made-up name under BASE_DOMAIN must resolve
 * (the `*.BASE_DOMAIN` record exists); with route53 the hosted zone must answer and hold
 * BASE_DOMAIN.
 */
export async function checkDns(env: CliEnv): Promise<CheckResult[]> {
  let baseDomain: string;
  let provider: string;
  let zoneId: string | undefined;
  try {
    baseDomain = workerSetting(env, 'BASE_DOMAIN');
    provider = workerSetting(env, 'DNS_PROVIDER');
    zoneId = workerSetting(env, 'ROUTE53_HOSTED_ZONE_ID');
  } catch (error) {
    return [fail('dns', reason(error), 'fix the variable named (see .env.example)')];
  }
  return [await wildcard(baseDomain, provider), await route53(env, baseDomain, provider, zoneId)];
}

async function wildcard(baseDomain: string, provider: string): Promise<CheckResult> {
  // RFC 6761: *.localhost is loopback; browsers resolve it without asking DNS.
  if (baseDomain === 'localhost' || baseDomain.endsWith('.localhost')) {
    return ok('dns', `BASE_DOMAIN ${baseDomain}: loopback names (local use only)`);
  }
  const probe = `berth-doctor-${randomBytes(4).toString('hex')}.${baseDomain}`;
  try {
    const { address } = await within(5_000, 'DNS', lookup(probe));
    return ok('dns', `*.${baseDomain} resolves (${probe} → ${address})`);
  } catch (error) {
    if (provider === 'route53') {
      return ok(
        'dns',
        `no wildcard for ${baseDomain} (${reason(error)}): route53 writes a record per preview`,
      );
    }
    return fail(
      'dns',
      `*.${baseDomain} does not resolve (${probe}: ${reason(error)})`,
      `create a wildcard record *.${baseDomain} pointing at the gateway, or set DNS_PROVIDER=route53`,
    );
  }
}

async function route53(
  env: CliEnv,
  baseDomain: string,
  provider: string,
  zoneId: string | undefined,
): Promise<CheckResult> {
  if (provider !== 'route53' || zoneId === undefined) {
    return skip('route53', 'DNS_PROVIDER is not route53');
  }
  const client = new Route53Client(awsClientConfig(env, 'ROUTE_53'));
  const where = awsWhere(env, 'ROUTE_53');
  try {
    const zone = await within(
      10_000,
      'Route 53',
      client.send(new GetHostedZoneCommand({ Id: zoneId })),
    );
    const name = (zone.HostedZone?.Name ?? '').replace(/\.$/, '').toLowerCase();
    if (baseDomain !== name && !baseDomain.endsWith(`.${name}`)) {
      return fail(
        'route53',
        `hosted zone ${zoneId} is ${name}, which does not hold BASE_DOMAIN ${baseDomain}`,
        `set ROUTE53_HOSTED_ZONE_ID to the zone of ${baseDomain}`,
      );
    }
    return ok('route53', `hosted zone ${zoneId} (${name}) answers at ${where}`);
  } catch (error) {
    return fail(
      'route53',
      `Route 53 at ${where} refused GetHostedZone ${zoneId}: ${reason(error)}`,
      'check AWS_REGION, the credentials (route53:GetHostedZone, ChangeResourceRecordSets) and ROUTE53_HOSTED_ZONE_ID',
    );
  } finally {
    client.destroy();
  }
}
