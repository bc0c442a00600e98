import { describe, expect, it } from 'vitest';
import { type HostResolver, WildcardDns } from './wildcard-dns.js';

const dnsError = (code: string): Error => Object.assign(new Error(`queryA ${code}`), { code });

/** A resolver that answers for names under `zone` (a wildcard) and records what it was asked. */
function resolver(answer: (host: string) => readonly string[] | Error) {
  const asked: string[] = [];
  const resolve: HostResolver = (host) => {
    asked.push(host);
    const result = answer(host);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  };
  return { resolve, asked };
}

describe('WildcardDns', () => {
  it('publishes, removes and inventories nothing: the operator’s wildcard covers every host', async () => {
    const dns = new WildcardDns({ baseDomain: 'previews.example.com' });
    expect(dns.provider).toBe('dns_wildcard');
    expect(await dns.publish()).toEqual([]);
    await expect(dns.remove()).resolves.toBeUndefined();
    expect(await dns.inventory()).toEqual([]);
  });

  it('is ok when a random name under the base domain resolves', async () => {
    const { resolve, asked } = resolver(() => ['203.0.113.10']);
    const check = await new WildcardDns({ baseDomain: 'Previews.Example.com.', resolve }).check();
    expect(check.ok).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^berth-check-[0-9a-f]{10}\.previews\.example\.com$/);
    expect(check.message).toContain(`*.previews.example.com resolves (${asked[0]} → 203.0.113.10)`);
  });

  it('names the record to create when the wildcard is missing', async () => {
    const missing = resolver(() => dnsError('ENOTFOUND'));
    const byName = await new WildcardDns({
      baseDomain: 'previews.example.com',
      gateway: 'gateway.example.net',
      resolve: missing.resolve,
    }).check();
    expect(byName.ok).toBe(false);
    expect(byName.message).toContain(
      'create the wildcard record `*.previews.example.com CNAME → gateway.example.net`',
    );

    const byAddress = await new WildcardDns({
      baseDomain: 'previews.example.com',
      gateway: '203.0.113.10',
      resolve: resolver(() => []).resolve,
    }).check();
    expect(byAddress.message).toContain('`*.previews.example.com A → 203.0.113.10`');

    const unknownGateway = await new WildcardDns({
      baseDomain: 'previews.example.com',
      resolve: missing.resolve,
    }).check();
    expect(unknownGateway.message).toContain(
      "`*.previews.example.com CNAME → <the gateway's host name>`",
    );
  });

  it('tells a resolver failure from a missing record', async () => {
    const check = await new WildcardDns({
      baseDomain: 'previews.example.com',
      resolve: resolver(() => dnsError('ETIMEOUT')).resolve,
    }).check();
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(
      /could not resolve .* \(ETIMEOUT\): check this host's DNS resolver/,
    );
  });

  it('needs no lookup for localhost base domains (RFC 6761)', async () => {
    for (const baseDomain of ['localhost', 'berth.localhost']) {
      const { resolve, asked } = resolver(() => dnsError('ENOTFOUND'));
      const check = await new WildcardDns({ baseDomain, resolve }).check();
      expect(check.ok).toBe(true);
      expect(check.message).toContain('RFC 6761');
      expect(asked).toEqual([]);
    }
  });
});
