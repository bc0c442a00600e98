import type {
  Prisma,
  PrismaClient,
  Resource,
  ResourceKind,
  ResourceProvider,
} from '../generated.js';

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
    const where = {
      provider_host_kind_name: {
        provider: resource.provider,
        host,
        kind: resource.kind,
        name: resource.name,
      },
    };
    let merged = resource.metadata ?? {};
    if (options.keepMetadata?.length) {
      const existing = await this.prisma.resource.findUnique({
        where,
        select: { metadata: true },
      });
      const old = (existing?.metadata ?? {}) as Record<string, unknown>;
      const kept = Object.fromEntries(
        options.keepMetadata.filter((k) => k in old && !(k in merged)).map((k) => [k, old[k]]),
      );
      merged = { ...merged, ...kept };
    }
    const metadata = merged as Prisma.InputJsonValue;
    return this.prisma.resource.upsert({
      where,
      create: { ...resource, host, metadata, state: 'planned' },
      update: {
        environmentId: resource.environmentId,
        metadata,
      },
    });
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

  /** Everything an environment may still hold (any state but deleted), oldest first. */
  async live(environmentId: string): Promise<Resource[]> {
    return this.prisma.resource.findMany({
      where: { environmentId, state: { not: 'deleted' } },
      orderBy: { createdAt: 'asc' },
    });
  }
}
