// PreviewDns for the default setup (DNS_PROVIDER=wildcard): the operator made one wildcard record
// `*.BASE_DOMAIN` pointing at the gateway, so there is nothing to publish or remove per preview;
// the start-up check only proves the wildcard answers.
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  type DnsCheck,
  type DnsInventoryItem,
  normalizeBaseDomain,
  type PreviewDns,
  type PublishedRecord,
} from '@berth/core';

/** Answers a host name's addresses, or throws Node's DNS error (`code` ENOTFOUND, …). */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

export interface WildcardDnsOptions {
  /** BASE_DOMAIN. */
  baseDomain: string;
  /** The gateway's public host name or address, so a failed check names the exact record. */
  gateway?: string;
  /** Default: the system resolver (getaddrinfo), as browsers resolve. */
  resolve?: HostResolver;
}

/** Answers that mean "no such record", as opposed to a resolver that could not answer. */
const MISSING_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export class WildcardDns implements PreviewDns {
  readonly provider = 'dns_wildcard' as const;
  private readonly baseDomain: string;
  private readonly resolve: HostResolver;

  constructor(private readonly options: WildcardDnsOptions) {
    this.baseDomain = normalizeBaseDomain(options.baseDomain);
    this.resolve = options.resolve ?? systemResolver;
  }

  publish(): Promise<PublishedRecord[]> {
    return Promise.resolve([]);
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }

  inventory(): Promise<DnsInventoryItem[]> {
    return Promise.resolve([]);
  }

  async check(): Promise<DnsCheck> {
    const base = this.baseDomain;
    if (base === 'localhost' || base.endsWith('.localhost')) {
      return {
        ok: true,
        message: `*.${base} needs no DNS record: browsers resolve every *.localhost name to loopback (RFC 6761)`,
      };
    }
    // A label nobody registered, so only a wildcard can answer it.
    const probe = `berth-check-${randomBytes(5).toString('hex')}.${base}`;
    try {
      const addresses = await this.resolve(probe);
      if (addresses.length > 0) {
        return { ok: true, message: `*.${base} resolves (${probe} → ${addresses.join(', ')})` };
      }
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code !== 'string' || !MISSING_CODES.has(code)) {
        return {
          ok: false,
          message: `could not resolve ${probe} (${typeof code === 'string' ? code : String(error)}): check this host's DNS resolver, then that ${this.wantedRecord()} exists`,
        };
      }
    }
    return {
      ok: false,
      message: `no DNS record answers for ${probe}: create the wildcard record ${this.wantedRecord()} so every preview host reaches the gateway (or set DNS_PROVIDER=route53 to publish one record per preview)`,
    };
  }

  /** `*.<base> CNAME → gateway`, with the type the gateway's form calls for. */
  private wantedRecord(): string {
    const name = `*.${this.baseDomain}`;
    const gateway = this.options.gateway?.trim();
    if (!gateway) {
      return `\`${name} CNAME → <the gateway's host name>\` (or \`${name} A → <its IPv4 address>\`)`;
    }
    const version = isIP(gateway);
    const type = version === 4 ? 'A' : version === 6 ? 'AAAA' : 'CNAME';
    return `\`${name} ${type} → ${gateway}\``;
  }
}

async function systemResolver(hostname: string): Promise<string[]> {
  const answers = await lookup(hostname, { all: true });
  return answers.map((a) => a.address);
}
