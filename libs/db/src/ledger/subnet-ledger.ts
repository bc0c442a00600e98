// The ledger's subnet rows: which environment holds which range of the pool on which Docker host.
// The unique (provider, host, kind, name) constraint with name = the CIDR is what makes a claim
// exclusive; everything here is one statement so two workers can never both win a range.

import type { PrismaClient, Resource } from '../generated.js';

export interface SubnetClaim {
  environmentId: string;
  cidr: string;
  metadata: Record<string, unknown>;
}

export class SubnetLedger {
  constructor(
    private readonly prisma: PrismaClient,
    /** The Docker host whose address space this is (DOCKER_HOST_NAME). */
    readonly host: string,
  ) {}

  /**
   * The environment's live subnet row on this host for one of its slots (decision 0040: a row
   * without `slot` in its metadata is slot 0's), if it already holds one.
   */
  async owned(environmentId: string, slot = 0): Promise<Resource | null> {
    const rows = await this.prisma.resource.findMany({
      where: { environmentId, host: this.host, kind: 'subnet', state: { not: 'deleted' } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.find((row) => slotOf(row) === slot) ?? null;
  }

  /** Every range held on this host (any state but deleted). */
  async inUse(): Promise<string[]> {
    const rows = await this.prisma.resource.findMany({
      where: { host: this.host, kind: 'subnet', state: { not: 'deleted' } },
      select: { name: true },
    });
    return rows.map((r) => r.name);
  }

  /**
   * Claims a range: inserts its row, or takes over a row whose range was freed (state deleted:
   * the name is unique, so a freed range's row is reused rather than duplicated). Returns null
   * when someone else holds it — the caller moves on to the next range.
   */
  async claim(claim: SubnetClaim): Promise<Resource | null> {
    const metadata = JSON.stringify(claim.metadata);
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO resources (id, kind, provider, name, environment_id, host, state, metadata, updated_at)
      VALUES (gen_random_uuid(), 'subnet', 'docker', ${claim.cidr}, ${claim.environmentId}::uuid,
              ${this.host}, 'planned', ${metadata}::jsonb, now())
      ON CONFLICT (provider, host, kind, name) DO UPDATE
        SET environment_id = EXCLUDED.environment_id, state = 'planned', provider_id = NULL,
            metadata = EXCLUDED.metadata, deleted_at = NULL, updated_at = now()
        WHERE resources.state = 'deleted'
      RETURNING id`;
    const id = rows[0]?.id;
    return id ? this.prisma.resource.findUniqueOrThrow({ where: { id } }) : null;
  }
}

/** The slot a ledger row belongs to (decision 0040): rows from before slots are slot 0's. */
export function slotOf(row: Pick<Resource, 'metadata'>): number {
  const slot = (row.metadata as { slot?: unknown } | null)?.slot;
  return typeof slot === 'number' ? slot : 0;
}
