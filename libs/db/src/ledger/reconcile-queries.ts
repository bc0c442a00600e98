// The reconciler's reads and writes of the ledger (docs/decisions/0018-reconciler.md). Reads are
// a handful of set queries whatever the ledger's size; every write is conditional on the row
// still being what the reconciler observed (its `updated_at`), so a stage that touched a row in
// between wins and the row is left for the next run.

import type { PrismaClient, ResourceKind, ResourceProvider, ResourceState } from '../generated.js';

/** The kinds the reconciler compares with a Docker host's inventory. */
const HOST_KINDS = ['container', 'volume', 'network', 'subnet'] as const;
/** The kinds it compares with a cloud provider's inventory (Route 53, Secrets Manager). */
export type CloudKind = 'dns_record' | 'secret';
export type ReconciledKind = (typeof HOST_KINDS)[number] | CloudKind;

/** Where a cloud provider's rows live in the ledger: e.g. route53 on host `dns`, secrets_aws on `aws`. */
export interface LedgerTarget {
  provider: ResourceProvider;
  host: string;
}

export interface ReconcileRow {
  id: string;
  kind: ResourceKind;
  name: string;
  environmentId: string | null;
  state: ResourceState;
  createdAt: Date;
  updatedAt: Date;
  /** A base state of a base environment (metadata.baseState, or planned as one). */
  baseState: boolean;
  /** A complete capture's metadata.baseState (service, sha, generation, capturedAt). */
  capture?: { service: string; sha: string; generation: number; capturedAt: string };
}

export interface ReconcileEnvironmentRow {
  id: string;
  /** `owner/repo#pr`, as the `berth.env` label carries it. */
  envLabel: string;
  state: string;
  /** Holds an unexpired stage lease. */
  leased: boolean;
}

/** What the reconciler writes into a row's metadata (under `reconciler`). */
export interface ReconcileNote {
  at: string;
  /** e.g. `object gone`, `orphan removed (environment-closed)`, `range released`. */
  note: string;
}

export class ReconcileQueries {
  constructor(
    private readonly prisma: PrismaClient,
    /** The Docker host reconciled (DOCKER_HOST_NAME). */
    readonly host: string,
  ) {}

  /**
   * This host's Docker and subnet rows that are not deleted, plus deleted rows of the objects
   * named (an object still on the host whose row says it is gone).
   */
  async rows(present: readonly { kind: string; name: string }[]): Promise<ReconcileRow[]> {
    const names = [...new Set(present.map((p) => p.name))];
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      SELECT id::text AS id, kind::text AS kind, name, environment_id::text AS "environmentId",
             state::text AS state, created_at AS "createdAt", updated_at AS "updatedAt",
             (metadata ? 'baseState' OR metadata->>'volume' = 'base-state') AS "baseState",
             metadata->'baseState' AS capture
      FROM resources
      WHERE host = ${this.host} AND provider = 'docker'
        AND kind::text = ANY(${[...HOST_KINDS]}::text[])
        AND (state <> 'deleted' OR name = ANY(${names}::text[]))`;
    return rows.map(toRow);
  }

  /**
   * A cloud provider's rows of one kind that are not deleted, plus deleted rows of the objects
   * named (an object still there whose row says it is gone).
   */
  async cloudRows(
    target: LedgerTarget,
    kind: CloudKind,
    present: readonly string[],
  ): Promise<ReconcileRow[]> {
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      SELECT id::text AS id, kind::text AS kind, name, environment_id::text AS "environmentId",
             state::text AS state, created_at AS "createdAt", updated_at AS "updatedAt",
             false AS "baseState", NULL::jsonb AS capture
      FROM resources
      WHERE host = ${target.host} AND provider = ${target.provider}::resource_provider
        AND kind = ${kind}::resource_kind
        AND (state <> 'deleted' OR name = ANY(${[...new Set(present)]}::text[]))`;
    return rows.map(toRow);
  }

  /** Tags of the images this host's ledger records (not deleted). */
  async imageTags(): Promise<Set<string>> {
    const rows = await this.prisma.resource.findMany({
      where: { host: this.host, provider: 'docker', kind: 'image', state: { not: 'deleted' } },
      select: { name: true },
    });
    return new Set(rows.map((r) => r.name));
  }

  /** This host's image rows (not deleted): when a build last used each, and the base mark. */
  async imageRows(): Promise<{ id: string; tag: string; usedAt: Date; base: boolean }[]> {
    return this.prisma.$queryRaw<{ id: string; tag: string; usedAt: Date; base: boolean }[]>`
      SELECT id::text AS id, name AS tag, updated_at AS "usedAt", (metadata ? 'base') AS base
      FROM resources
      WHERE host = ${this.host} AND provider = 'docker' AND kind = 'image' AND state <> 'deleted'`;
  }

  /**
   * Image tags the newest revision of every environment not destroyed runs (a building one's
   * too: its replicate stage is about to start them), whichever host it is on.
   */
  async liveImageTags(): Promise<Set<string>> {
    const rows = await this.prisma.$queryRaw<{ tag: string | null }[]>`
      SELECT DISTINCT image.value->>'tag' AS tag
      FROM environments e
      JOIN revisions r ON r.environment_id = e.id AND r.generation = e.generation
      CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(r.images) = 'object' THEN r.images ELSE '{}'::jsonb END
      ) AS image
      WHERE e.state <> 'destroyed'`;
    return new Set(rows.flatMap((r) => (r.tag ? [r.tag] : [])));
  }

  /** Marks image rows deleted once their image left the host. */
  async imagesRemoved(ids: readonly string[], note: ReconcileNote): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE resources
      SET state = 'deleted', deleted_at = now(), updated_at = now(),
          metadata = metadata || jsonb_build_object('reconciler', ${JSON.stringify(note)}::jsonb)
      WHERE id = ANY(${[...ids]}::uuid[]) AND state <> 'deleted'`;
  }

  /** Environments by id or by `berth.env` label (`owner/repo#pr`); unknown ones are absent. */
  async environments(
    ids: readonly string[],
    envLabels: readonly string[],
  ): Promise<ReconcileEnvironmentRow[]> {
    const uuids = [...new Set(ids)].filter((id) => UUID.test(id));
    const labels = [...new Set(envLabels)];
    if (uuids.length === 0 && labels.length === 0) return [];
    return this.prisma.$queryRaw<ReconcileEnvironmentRow[]>`
      SELECT e.id::text AS id, r.full_name || '#' || e.pr_number AS "envLabel",
             e.state::text AS state,
             (e.lease_token IS NOT NULL AND e.lease_expires_at >= now()) AS leased
      FROM environments e JOIN repositories r ON r.id = e.repository_id
      WHERE e.id = ANY(${uuids}::uuid[])
         OR (r.full_name || '#' || e.pr_number) = ANY(${labels}::text[])`;
  }

  /**
   * Marks rows deleted (their object is gone, or a range nobody holds), each only while its
   * `updated_at` is still the one observed. Returns the ids marked.
   */
  async markDeleted(
    rows: readonly { id: string; updatedAt: Date }[],
    note: ReconcileNote,
  ): Promise<string[]> {
    if (rows.length === 0) return [];
    const marked = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE resources AS r
      SET state = 'deleted', deleted_at = now(), updated_at = now(),
          metadata = r.metadata || jsonb_build_object('reconciler', ${json(note)}::jsonb)
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.updatedAt.toISOString())}::text[]::timestamptz[])
        AS seen(id, updated_at)
      WHERE r.id = seen.id AND r.updated_at = seen.updated_at AND r.state <> 'deleted'
      RETURNING r.id::text AS id`;
    return marked.map((m) => m.id);
  }

  /**
   * Claims an orphan's row for removal (state deleting), only while it is as observed. False:
   * someone touched it since (a stage re-planned it), so it is not the reconciler's to remove.
   */
  async claimForRemoval(
    id: string,
    observedUpdatedAt: Date,
    note: ReconcileNote,
  ): Promise<boolean> {
    const claimed = await this.prisma.$executeRaw`
      UPDATE resources
      SET state = 'deleting', updated_at = now(),
          metadata = metadata || jsonb_build_object('reconciler', ${json(note)}::jsonb)
      WHERE id = ${id}::uuid AND updated_at = ${observedUpdatedAt.toISOString()}::timestamptz`;
    return claimed === 1;
  }

  /**
   * Records an orphan no row knows (owner null, state deleting) before it is removed, as every
   * resource is recorded before Berth acts on it. Undefined when a row appeared meanwhile.
   */
  async recordOrphan(
    kind: ReconciledKind,
    name: string,
    note: ReconcileNote & Record<string, unknown>,
    target: LedgerTarget = { provider: 'docker', host: this.host },
  ): Promise<string | undefined> {
    return this.insertUnowned(kind, name, 'deleting', note, target);
  }

  /**
   * Records an object of unknown age (a DNS record) that no row knows, owner null and state
   * created: its row's `updated_at` is when the reconciler first saw it, the age a later run
   * compares with the grace period. Undefined when a row appeared meanwhile.
   */
  async recordSighting(
    kind: ReconciledKind,
    name: string,
    note: ReconcileNote & Record<string, unknown>,
    target: LedgerTarget,
  ): Promise<string | undefined> {
    return this.insertUnowned(kind, name, 'created', note, target);
  }

  private async insertUnowned(
    kind: ReconciledKind,
    name: string,
    state: 'created' | 'deleting',
    note: ReconcileNote & Record<string, unknown>,
    target: LedgerTarget,
  ): Promise<string | undefined> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO resources (id, kind, provider, name, environment_id, host, state, metadata, updated_at)
      VALUES (gen_random_uuid(), ${kind}::resource_kind, ${target.provider}::resource_provider,
              ${name}, NULL, ${target.host}, ${state}::resource_state,
              jsonb_build_object('reconciler', ${json(note)}::jsonb), now())
      ON CONFLICT (provider, host, kind, name) DO NOTHING
      RETURNING id::text AS id`;
    return rows[0]?.id;
  }

  /** After the object is gone: the claimed row is deleted. */
  async removed(id: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE resources SET state = 'deleted', deleted_at = now(), updated_at = now()
      WHERE id = ${id}::uuid AND state = 'deleting'`;
  }

  /** A removal that failed: the row goes back to created (the object is still there). */
  async removalFailed(id: string, error: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE resources
      SET state = 'created', updated_at = now(),
          metadata = metadata || jsonb_build_object('reconcilerError', ${error}::text)
      WHERE id = ${id}::uuid AND state = 'deleting'`;
  }
}

type RawRow = Omit<ReconcileRow, 'capture'> & { capture: unknown };

/** A capture's metadata as BaseStates writes it; anything else is not a complete capture. */
function toRow({ capture, ...row }: RawRow): ReconcileRow {
  const c = capture as Partial<NonNullable<ReconcileRow['capture']>> | null;
  const complete =
    c !== null &&
    typeof c === 'object' &&
    typeof c.service === 'string' &&
    typeof c.sha === 'string' &&
    typeof c.generation === 'number' &&
    typeof c.capturedAt === 'string';
  return complete
    ? {
        ...row,
        capture: {
          service: c.service as string,
          sha: c.sha as string,
          generation: c.generation as number,
          capturedAt: c.capturedAt as string,
        },
      }
    : row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function json(value: ReconcileNote): string {
  return JSON.stringify(value);
}
