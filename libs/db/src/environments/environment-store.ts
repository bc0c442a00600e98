import { randomUUID } from 'node:crypto';
import type { Environment, EnvironmentState, PrismaClient, Repository } from '../generated.js';
import type { Tx } from '../transaction.js';

export type EnvironmentRow = Environment & { repository: Repository };

export interface RepositoryFacts {
  providerId: number;
  fullName: string;
  owner: string;
  name: string;
  installationId: number;
  cloneUrl: string;
  defaultBranch: string;
}

/** A new row for an environment: what the command path decided, written as one unit. */
export interface EnvironmentWrite {
  state: EnvironmentState;
  generation: number;
  headSha?: string;
  branch?: string;
  baseBranch?: string;
  isFork?: boolean;
  approvedSha?: string | null;
  config?: Record<string, unknown>;
  labelNotes?: Record<string, unknown>[];
  prUpdatedAt?: Date;
  expiresAt?: Date;
  /** TTL facts (decision 0020). */
  ttlStartedAt?: Date;
  ttlLabelMs?: number | null;
  ttlMs?: number;
  ttlExtendedUntil?: Date | null;
  ttlWarnedFor?: Date | null;
  expiredAt?: Date | null;
  closedAt?: Date | null;
  destroyedAt?: Date | null;
  readyAt?: Date | null;
  commentId?: null;
  /** Sleep and wake (decision 0024): asleep since, null = awake; the last wake. */
  sleptAt?: Date | null;
  wokeAt?: Date;
  /** The commit (and its generation) whose containers answer at the URLs (decision 0038). */
  servingSha?: string | null;
  servingRevision?: number | null;
  /** The set of resource names in use (decision 0040). */
  slot?: number;
}

export interface LifecycleEventWrite {
  environmentId: string;
  generation: number;
  kind: string;
  stage?: string;
  detail?: string;
}

/**
 * The write side of environments, for the one command path only (libs/lifecycle/commands):
 * every method takes the command's transaction. Lock order, so concurrent commands never
 * deadlock: repository upsert → environment row lock → revision/event/outbox inserts.
 */
export class EnvironmentStore {
  constructor(private readonly prisma: PrismaClient) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn, { maxWait: 10_000, timeout: 20_000 });
  }

  /** Read without a lock (the command re-reads under its lock before deciding). */
  findByPullRequest(providerId: number, prNumber: number): Promise<EnvironmentRow | null> {
    return this.prisma.environment.findFirst({
      where: { repository: { providerId: BigInt(providerId) }, prNumber },
      include: { repository: true },
    });
  }

  find(environmentId: string): Promise<EnvironmentRow | null> {
    return this.prisma.environment.findUnique({
      where: { id: environmentId },
      include: { repository: true },
    });
  }

  async upsertRepository(tx: Tx, r: RepositoryFacts): Promise<string> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO repositories
        (id, provider_id, full_name, owner, name, installation_id, clone_url, default_branch, updated_at)
      VALUES (${randomUUID()}::uuid, ${BigInt(r.providerId)}, ${r.fullName}, ${r.owner}, ${r.name},
        ${BigInt(r.installationId)}, ${r.cloneUrl}, ${r.defaultBranch}, now())
      ON CONFLICT (provider_id) DO UPDATE SET
        full_name = EXCLUDED.full_name, owner = EXCLUDED.owner, name = EXCLUDED.name,
        installation_id = EXCLUDED.installation_id, clone_url = EXCLUDED.clone_url,
        default_branch = EXCLUDED.default_branch, updated_at = now()
      RETURNING id::text AS id`;
    const id = rows[0]?.id;
    if (!id) throw new Error(`repository ${r.fullName} was not upserted`);
    return id;
  }

  /**
   * The environment of a pull request under a row lock (SELECT … FOR UPDATE), inserted first
   * (generation 0, `pending`: nothing decided yet) when `create` is set and it does not exist.
   */
  async lockPullRequest(
    tx: Tx,
    repositoryId: string,
    pr: { number: number; headSha: string; branch: string; baseBranch: string; isFork: boolean },
    create: { dockerHost: string } | undefined,
  ): Promise<EnvironmentRow | undefined> {
    if (create) {
      await tx.$executeRaw`
        INSERT INTO environments (id, repository_id, pr_number, state, generation, head_sha,
          branch, base_branch, is_fork, docker_host, updated_at)
        VALUES (${randomUUID()}::uuid, ${repositoryId}::uuid, ${pr.number}, 'pending', 0,
          ${pr.headSha}, ${pr.branch}, ${pr.baseBranch}, ${pr.isFork}, ${create.dockerHost}, now())
        ON CONFLICT (repository_id, pr_number) DO NOTHING`;
    }
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM environments
      WHERE repository_id = ${repositoryId}::uuid AND pr_number = ${pr.number}
      FOR UPDATE`;
    const id = rows[0]?.id;
    if (!id) return undefined;
    return tx.environment.findUniqueOrThrow({ where: { id }, include: { repository: true } });
  }

  /** An environment under a row lock, by id. */
  async lock(tx: Tx, environmentId: string): Promise<EnvironmentRow | undefined> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM environments WHERE id = ${environmentId}::uuid FOR UPDATE`;
    if (rows.length === 0) return undefined;
    return tx.environment.findUniqueOrThrow({
      where: { id: environmentId },
      include: { repository: true },
    });
  }

  async write(tx: Tx, environmentId: string, w: EnvironmentWrite): Promise<void> {
    const { config, labelNotes, ...rest } = w;
    await tx.environment.update({
      where: { id: environmentId },
      data: {
        ...rest,
        ...(config ? { config: config as object } : {}),
        ...(labelNotes ? { labelNotes: labelNotes as object[] } : {}),
      },
    });
  }

  /**
   * How many routes of other environments point at this one's containers (frontend-only
   * previews borrowing the base environment, decision 0021): the base sleeps only at 0.
   */
  async borrowers(tx: Tx, environmentId: string): Promise<number> {
    return tx.route.count({
      where: { borrowedFrom: environmentId, NOT: { environmentId } },
    });
  }

  async createRevision(
    tx: Tx,
    r: { environmentId: string; generation: number; headSha: string; config: object },
  ): Promise<void> {
    await tx.revision.create({
      data: {
        environmentId: r.environmentId,
        generation: r.generation,
        headSha: r.headSha,
        configSnapshot: r.config,
      },
    });
  }

  async recordEvent(tx: Tx, e: LifecycleEventWrite): Promise<bigint> {
    const row = await tx.lifecycleEvent.create({
      data: {
        environmentId: e.environmentId,
        generation: e.generation,
        kind: e.kind,
        ...(e.stage ? { stage: e.stage } : {}),
        ...(e.detail ? { detail: e.detail.slice(0, 60_000) } : {}),
      },
      select: { id: true },
    });
    return row.id;
  }
}
