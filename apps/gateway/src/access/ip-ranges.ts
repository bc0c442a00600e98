import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A set of CIDRs, parsed once, that answers "is this address inside?" (IPv4 and IPv6). */
export interface IpRanges {
  readonly size: number;
  contains(address: string): boolean;
}

/**
 * Parses CIDRs (canonical ones from the settings, or TRUSTED_PROXIES) with ipaddr.js. An entry
 * that does not parse is skipped: settings are validated on write, so none should be there.
 */
export function ipRanges(cidrs: readonly string[]): IpRanges {
  const v4: Range[] = [];
  const v6: Range[] = [];
  for (const cidr of cidrs) {
    try {
      const range = ipaddr.parseCIDR(cidr);
      if (range[0].kind() === 'ipv4') v4.push(range);
      else v6.push(range);
    } catch {
      // unparseable: admits nothing
    }
  }
  return {
    size: v4.length + v6.length,
    contains(address: string): boolean {
      const parsed = parseAddress(address);
      if (!parsed) return false;
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack socket reports for an
      // IPv4 client) is that IPv4 client: match it against the IPv4 ranges, and as written
      // against IPv6 ranges such as ::ffff:0:0/96.
      if (parsed.kind() === 'ipv6') {
        const v6addr = parsed as ipaddr.IPv6;
        if (v6.some((range) => v6addr.match(range))) return true;
        if (!v6addr.isIPv4MappedAddress()) return false;
        const v4addr = v6addr.toIPv4Address();
        return v4.some((range) => v4addr.match(range));
      }
      const v4addr = parsed as ipaddr.IPv4;
      return v4.some((range) => v4addr.match(range));
    },
  };
}

/** A literal address (no zone index, no octal or short IPv4 forms), or undefined. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const value = text.trim();
  if (value === '' || value.length > 64) return undefined;
  if (!value.includes(':')) {
    return ipaddr.IPv4.isValidFourPartDecimal(value) ? ipaddr.IPv4.parse(value) : undefined;
  }
  try {
    const parsed = ipaddr.IPv6.parse(value);
    return parsed.zoneId === undefined ? parsed : undefined;
  } catch {
    return undefined;
  }
}
