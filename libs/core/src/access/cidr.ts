import ipaddr from 'ipaddr.js';

/** How an allowlist entry must look; shown in every error about one. */
export const CIDR_FORM =
  'a CIDR such as 203.0.113.0/24 or 2001:db8::/32 (a bare address means /32 or /128)';

/**
 * An allowlist entry in canonical form (`10.0.0.0/8`, `2001:db8::/32`), or undefined when it is
 * not one. A bare address is a one-address range. Bits past the prefix must be zero, so a typo
 * such as 10.1.2.3/8 is refused instead of silently widened to all of 10/8.
 */
export function normaliseCidr(value: string): string | undefined {
  const text = value.trim();
  if (text === '' || text.length > 64) return undefined;
  // ipaddr.js also reads 010.0.0.1 (octal) and 10.1 (short forms); an allowlist takes only the
  // four-part decimal form people mean.
  const addressText = text.split('/')[0] ?? '';
  if (!addressText.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
    return undefined;
  }
  try {
    const [address, prefix] = text.includes('/')
      ? ipaddr.parseCIDR(text)
      : (() => {
          const a = ipaddr.parse(text);
          return [a, a.kind() === 'ipv4' ? 32 : 128] as const;
        })();
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
    if (network.toString() !== address.toString()) return undefined;
    return `${address.toString()}/${prefix}`;
  } catch {
    return undefined;
  }
}
