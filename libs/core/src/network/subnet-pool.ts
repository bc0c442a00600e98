// The operator's address pool cut into equal per-environment subnets. Pure: which subnet has
// which index, how many there are, which is the lowest free one. The ledger decides who owns
// what (see libs/lifecycle subnet allocation); this only does the address math.

import {
  type Cidr,
  CidrError,
  addressAt,
  cidrsOverlap,
  fromNumber,
  parseCidr,
  toNumber,
} from './cidr.js';

/** Defaults for SUBNET_POOL / SUBNET_PREFIX_LENGTH: 1,024 environments of 62 addresses each. */
export const DEFAULT_SUBNET_POOL = '10.210.0.0/16';
export const DEFAULT_SUBNET_PREFIX_LENGTH = 26;

/**
 * /30 is the smallest useful bridge network: network, gateway, one container, broadcast. Anything
 * smaller leaves no room for a container.
 */
export const MAX_SUBNET_PREFIX_LENGTH = 30;

export interface Subnet {
  index: number;
  /** `10.210.0.64/26`: also the subnet's ledger name. */
  cidr: string;
  /** First usable address; the bridge's address on the host. */
  gateway: string;
}

export interface SubnetPool {
  pool: Cidr;
  prefixLength: number;
  /** How many subnets the pool holds. */
  size: number;
  /** The index-th subnet (0-based); throws when out of range. */
  at(index: number): Subnet;
  /** The index of a subnet of this pool, or null when `cidr` is not exactly one of them. */
  indexOf(cidr: string): number | null;
}

/** Throws a CidrError naming the problem (bad CIDR, prefix outside the pool, too small). */
export function subnetPool(poolText: string, prefixLength: number): SubnetPool {
  const pool = parseCidr(poolText);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
    throw new CidrError(`prefix length ${prefixLength} is not a whole number from 0 to 32`);
  }
  if (prefixLength < pool.prefix) {
    throw new CidrError(
      `a /${prefixLength} subnet does not fit inside the pool ${pool.text}: ` +
        `use a prefix length from ${pool.prefix} to ${MAX_SUBNET_PREFIX_LENGTH}`,
    );
  }
  if (prefixLength > MAX_SUBNET_PREFIX_LENGTH) {
    throw new CidrError(
      `a /${prefixLength} subnet has no room for a gateway and a container: ` +
        `use ${MAX_SUBNET_PREFIX_LENGTH} or less`,
    );
  }
  const size = 2 ** (prefixLength - pool.prefix);
  const block = 2 ** (32 - prefixLength);
  const base = toNumber(pool.network);

  const at = (index: number): Subnet => {
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new CidrError(`subnet index ${index} is outside the pool (0 to ${size - 1})`);
    }
    const network = fromNumber(base + index * block);
    const cidr: Cidr = { network, prefix: prefixLength, text: `${network}/${prefixLength}` };
    return { index, cidr: cidr.text, gateway: addressAt(cidr, 1) };
  };

  const indexOf = (text: string): number | null => {
    let cidr: Cidr;
    try {
      cidr = parseCidr(text);
    } catch {
      return null;
    }
    if (cidr.prefix !== prefixLength || !cidrsOverlap(pool, cidr)) return null;
    return (toNumber(cidr.network) - base) / block;
  };

  return { pool, prefixLength, size, at, indexOf };
}

/**
 * The lowest subnet index at or after `from` that overlaps none of `used` (CIDRs already taken:
 * ledger names, including ones cut by an older pool or prefix length), or null when none is free.
 */
export function lowestFreeSubnet(
  pool: SubnetPool,
  used: readonly string[],
  from = 0,
): Subnet | null {
  const taken = new Set<number>();
  const foreign: Cidr[] = [];
  for (const text of used) {
    const index = pool.indexOf(text);
    if (index !== null) {
      taken.add(index);
      continue;
    }
    try {
      const cidr = parseCidr(text, { allowHostBits: true });
      if (cidrsOverlap(pool.pool, cidr)) foreign.push(cidr);
    } catch {
      // Not an address range (a hand-edited row): it blocks nothing.
    }
  }
  for (let index = Math.max(0, from); index < pool.size; index++) {
    if (taken.has(index)) continue;
    const subnet = pool.at(index);
    const cidr = parseCidr(subnet.cidr);
    if (foreign.some((f) => cidrsOverlap(f, cidr))) continue;
    return subnet;
  }
  return null;
}
