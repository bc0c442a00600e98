// IPv4 CIDR ranges as Berth uses them: per-environment subnets, the operator's pool, and the
// host's own addresses. Parsing and comparison go through ipaddr.js; the only arithmetic here is
// turning an address into its position on the number line and back.

import ipaddr from 'ipaddr.js';

export interface Cidr {
  /** The network address, e.g. `10.210.0.0`. */
  network: string;
  /** 0–32. */
  prefix: number;
  /** Canonical text, e.g. `10.210.0.0/16`. */
  text: string;
}

export class CidrError extends Error {
  override readonly name = 'CidrError';
}

export interface ParseCidrOptions {
  /**
   * Interface addresses carry host bits (`192.0.2.2/24`): accept them and return the range they
   * sit in. Off by default: an operator who writes `10.210.1.0/16` most likely made a typo.
   */
  allowHostBits?: boolean;
}

const ADDRESS_COUNT = 2 ** 32;

/** `10.210.0.0/16` → Cidr; throws a CidrError that says what is wrong and what was meant. */
export function parseCidr(text: string, options: ParseCidrOptions = {}): Cidr {
  const trimmed = text.trim();
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(trimmed)) {
    if (ipaddr.IPv6.isValidCIDR(trimmed)) {
      throw new CidrError(`\`${trimmed}\` is IPv6; Berth allocates IPv4 subnets only`);
    }
    throw new CidrError(`\`${trimmed}\` is not an IPv4 CIDR range such as 10.210.0.0/16`);
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(trimmed);
  const network = ipaddr.IPv4.networkAddressFromCIDR(trimmed).toString();
  if (!options.allowHostBits && network !== address.toString()) {
    throw new CidrError(
      `\`${trimmed}\` has host bits set: the range starts at ${network}, write ${network}/${prefix}`,
    );
  }
  return { network, prefix, text: `${network}/${prefix}` };
}

/** Number of addresses in the range (2^(32 - prefix)). */
export function addressCount(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  // Two CIDR ranges either nest or are disjoint: they overlap exactly when the shorter prefix
  // (the larger range) matches the other's network address.
  const shorter = Math.min(a.prefix, b.prefix);
  return ipaddr.IPv4.parse(a.network).match(ipaddr.IPv4.parse(b.network), shorter);
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && cidrsOverlap(outer, inner);
}

/** The address `offset` places after the range's network address (offset 1 = the gateway). */
export function addressAt(cidr: Cidr, offset: number): string {
  if (!Number.isInteger(offset) || offset < 0 || offset >= addressCount(cidr)) {
    throw new CidrError(`offset ${offset} is outside ${cidr.text}`);
  }
  return fromNumber(toNumber(cidr.network) + offset);
}

export function toNumber(address: string): number {
  return ipaddr.IPv4.parse(address).octets.reduce((n, octet) => n * 256 + octet, 0);
}

export function fromNumber(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= ADDRESS_COUNT) {
    throw new CidrError(`${value} is not an IPv4 address`);
  }
  const octets = [3, 2, 1, 0].map((i) => Math.floor(value / 256 ** i) % 256);
  return new ipaddr.IPv4(octets).toString();
}
