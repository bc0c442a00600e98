import { z } from 'zod';

// Preview hostnames in DNS (issue 9, decision 0016). `wildcard` (default): the operator made one
// `*.BASE_DOMAIN` record; Berth checks it resolves. `route53`: one record per exposed host,
// written at expose and deleted at teardown, each with an ownership TXT at `_berth.<host>`.
// Region, credentials and endpoint (AWS_ENDPOINT_URL_ROUTE_53) are the AWS SDK's own settings.

export const DNS_PROVIDERS = ['wildcard', 'route53'] as const;

export const dnsSettings = {
  DNS_PROVIDER: z
    .enum(DNS_PROVIDERS, { error: 'must be wildcard or route53' })
    .default('wildcard')
    .describe(
      'wildcard (one *.BASE_DOMAIN record you made; Berth checks it) or route53 (a record per ' +
        'preview host, written and deleted by Berth); default wildcard',
    ),
  ROUTE53_HOSTED_ZONE_ID: z
    .string()
    .trim()
    .regex(
      /^(\/?hostedzone\/)?Z[A-Z0-9]{1,32}$/,
      'must be a Route 53 hosted zone id such as Z0123456789ABC',
    )
    .optional()
    .describe('the hosted zone that holds BASE_DOMAIN (DNS_PROVIDER=route53)'),
  DNS_TARGET: z
    .string()
    .trim()
    .optional()
    .describe(
      "where preview hosts point: the gateway's DNS name (a CNAME, e.g. gateway.example.com) " +
        'or a comma list of its IP addresses (A/AAAA records)',
    ),
  DNS_TTL_S: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number')
    .min(10, 'must be at least 10')
    .max(86_400, 'must be at most 86400')
    .default(60)
    .describe('TTL of the records Berth writes; default 60'),
};

/** route53 needs its zone and where to point; say so at boot, not at the first expose. */
export function dnsSource(
  config: { DNS_PROVIDER: string; ROUTE53_HOSTED_ZONE_ID?: string; DNS_TARGET?: string },
  ctx: z.RefinementCtx,
): void {
  if (config.DNS_PROVIDER !== 'route53') return;
  if (config.ROUTE53_HOSTED_ZONE_ID === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['ROUTE53_HOSTED_ZONE_ID'],
      message:
        'is required with DNS_PROVIDER=route53: the id of the hosted zone holding BASE_DOMAIN',
    });
  }
  if (config.DNS_TARGET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DNS_TARGET'],
      message:
        "is required with DNS_PROVIDER=route53: the gateway's DNS name (CNAME) or its IP addresses",
    });
  }
}

/** `gateway.example.com` → a CNAME target; `203.0.113.7,2001:db8::7` → addresses. */
export function dnsTarget(value: string): { cname: string } | { addresses: string[] } {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const isAddress = (v: string) => /^[0-9.]+$/.test(v) || v.includes(':');
  if (items.length > 0 && items.every(isAddress)) return { addresses: items };
  return { cname: items[0] ?? value.trim() };
}
