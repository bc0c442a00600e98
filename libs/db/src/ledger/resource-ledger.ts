import type { PrismaClient, Resource, ResourceKind, ResourceProvider } from '../generated.js';

export interface PlannedResource {
  kind: ResourceKind;
  provider: ResourceProvider;
  /** Deterministic name from the environment identity (see @berth/core naming). */
  name: string;
  /** Null for shared resources no environment owns (e.g. content-addressed images). */
  environmentId: string | null;
  /** Docker host name or provider region; defaults to the ledger's host. */
  host?: string;
  metadata?: Record<string, unknown>;
}

/**
 * The spine's ledger: a row is written (planned) BEFORE the resource is created and marked
 * deleted AFTER it is removed, so a crash between the two leaves a row teardown and the
 * reconciler can act on, never an unrecorded resource.
 */
export class ResourceLedger {
  constructor(
    private readonly prisma: PrismaClient,
    /** The Docker host this process acts on (DOCKER_HOST_NAME): every row records where it lives. */
    readonly host = 'local',
  ) {}

  /**
   * Idempotent: an existing row for (provider, kind, name) keeps its state and is re-owned.
   * `keepMetadata` names keys an existing row keeps when the new metadata lacks them (e.g. an
   * image's `base` mark, which a later PR's plan must not erase).
   */
  async plan(
    resource: PlannedResource,
    options: { keepMetadata?: readonly string[] } = {},
  ): Promise<Resource> {
    const host = resource.host ?? this.host;
    const metadata = JSON.stringify(resource.metadata ?? {});
    const keep = [...(options.keepMetadata ?? [])];
    // One statement, so two plans of one row at once (two PRs running one image) cannot lose a
    // kept key between a read and a write: the old row's kept keys under the new metadata.
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO resources (id, kind, provider, name, environment_id, host, state, metadata, updated_at)
      VALUES (gen_random_uuid(), ${resource.kind}::resource_kind,
              ${resource.provider}::resource_provider, ${resource.name},
              ${resource.environmentId}::uuid, ${host}, 'planned', ${metadata}::jsonb, now())
      ON CONFLICT (provider, host, kind, name) DO UPDATE
        SET environment_id = EXCLUDED.environment_id,
            metadata = COALESCE(
              (SELECT jsonb_object_agg(key, value) FROM jsonb_each(resources.metadata)
                WHERE key = ANY(${keep}::text[])),
              '{}'::jsonb) || EXCLUDED.metadata,
            updated_at = now()
      RETURNING id`;
    const id = rows[0]?.id;
    if (!id)
      throw new Error(`the ledger did not return a row for ${resource.kind} ${resource.name}`);
    return this.prisma.resource.findUniqueOrThrow({ where: { id } });
  }

  async markCreated(id: string, providerId?: string): Promise<void> {
    await this.prisma.resource.update({
      where: { id },
      data: { state: 'created', ...(providerId ? { providerId } : {}), deletedAt: null },
    });
  }

  async markFailed(id: string): Promise<void> {
    await this.prisma.resource.update({ where: { id }, data: { state: 'failed' } });
  }

  async markDeleting(id: string): Promise<void> {
    await this.prisma.resource.update({ where: { id }, data: { state: 'deleting' } });
  }

  async markDeleted(id: string): Promise<void> {
    await this.prisma.resource.update({
      where: { id },
      data: { state: 'deleted', deletedAt: new Date() },
    });
  }

  /** Merges keys into a row's metadata (what a resource holds now, e.g. where its data came from). */
  async mergeMetadata(id: string, patch: Record<string, unknown>): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE resources SET metadata = metadata || ${JSON.stringify(patch)}::jsonb, updated_at = now()
      WHERE id = ${id}::uuid`;
  }

  /** Everything an environment may still hold (any state but deleted), oldest first. */
  async live(environmentId: string): Promise<Resource[]> {
    return this.prisma.resource.findMany({
      where: { environmentId, state: { not: 'deleted' } },
      orderBy: { createdAt: 'asc' },
    });
  }
}
