// Gives an environment its network's address range: the one it already holds on this host, else
// the lowest free range of the pool, claimed through the ledger (on a lost race, the next one).
// Safe to run twice: a second run finds the row the first one wrote.

import {
  DEFAULT_SUBNET_POOL,
  DEFAULT_SUBNET_PREFIX_LENGTH,
  type Subnet,
  type SubnetPool,
  addressAt,
  lowestFreeSubnet,
  parseCidr,
  subnetPool,
} from '@berth/core';
import type { PrismaClient, Resource } from '@berth/db';
import { SubnetLedger } from '@berth/db';

export interface AllocatedSubnet {
  row: Resource;
  subnet: Subnet;
}

/** Every range of the pool is held on this host; the message says how to make room. */
export class SubnetPoolExhaustedError extends Error {
  override readonly name = 'SubnetPoolExhaustedError';
  constructor(
    readonly pool: SubnetPool,
    readonly host: string,
    readonly inUse: number,
  ) {
    super(
      `No free subnet for this preview's network: ${inUse} environment network(s) on Docker host ` +
        `${host} hold all ${pool.size} /${pool.prefixLength} subnet(s) of SUBNET_POOL ` +
        `${pool.pool.text}. Make room: give SUBNET_POOL a larger range (a shorter prefix, e.g. ` +
        `/${Math.max(pool.pool.prefix - 1, 0)}), or cut smaller subnets (a larger ` +
        `SUBNET_PREFIX_LENGTH, e.g. ${Math.min(pool.prefixLength + 1, 30)} doubles the count), ` +
        'or close previews that are no longer needed.',
    );
  }
}

export class SubnetAllocator {
  constructor(
    private readonly ledger: SubnetLedger,
    readonly pool: SubnetPool,
  ) {}

  get host(): string {
    return this.ledger.host;
  }

  /**
   * @param avoid ranges known to be taken outside the ledger (another network on the host holds
   *   them, found when Docker refused one): never claimed in this call.
   */
  async allocate(
    environmentId: string,
    avoid: readonly string[] = [],
    /** Which of the environment's two slots the range is for (decision 0040). */
    slot = 0,
  ): Promise<AllocatedSubnet> {
    const owned = await this.ledger.owned(environmentId, slot);
    if (owned) return { row: owned, subnet: this.describe(owned.name) };
    const taken = [...(await this.ledger.inUse()), ...avoid];
    let from = 0;
    for (;;) {
      const candidate = lowestFreeSubnet(this.pool, taken, from);
      if (!candidate) {
        throw new SubnetPoolExhaustedError(this.pool, this.host, await this.countInUse());
      }
      const row = await this.ledger.claim({
        environmentId,
        cidr: candidate.cidr,
        metadata: {
          pool: this.pool.pool.text,
          index: candidate.index,
          gateway: candidate.gateway,
          ...(slot !== 0 ? { slot } : {}),
        },
      });
      if (row) return { row, subnet: candidate };
      // Another environment claimed it since we looked: remember it and try the next one.
      taken.push(candidate.cidr);
      from = candidate.index + 1;
    }
  }

  private async countInUse(): Promise<number> {
    return (await this.ledger.inUse()).length;
  }

  /** A held range may come from an older pool or prefix length: it stays valid as it is. */
  private describe(cidr: string): Subnet {
    const index = this.pool.indexOf(cidr);
    if (index !== null) return this.pool.at(index);
    return { index: -1, cidr, gateway: addressAt(parseCidr(cidr), 1) };
  }
}

/** The default pool (SUBNET_POOL's default) on one host: for callers without worker config. */
export function defaultSubnetAllocator(prisma: PrismaClient, host: string): SubnetAllocator {
  return new SubnetAllocator(
    new SubnetLedger(prisma, host),
    subnetPool(DEFAULT_SUBNET_POOL, DEFAULT_SUBNET_PREFIX_LENGTH),
  );
}
