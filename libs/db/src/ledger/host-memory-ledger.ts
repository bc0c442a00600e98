import type { PrismaClient } from '../generated.js';

/** One container an environment is about to run, with the memory limit it will get. */
export interface MemoryReservation {
  /** The container's deterministic name (its ledger row's name). */
  name: string;
  memoryBytes: number;
  metadata?: Record<string, unknown>;
}

/** What admission sees under the host's lock (see HostMemoryLedger.admit). */
export interface AdmissionFacts {
  /** Memory limits of live containers on this host that belong to other environments. */
  committedBytes: number;
  /** The database's clock: every worker measures waits by the same one. */
  now: Date;
  /** When this environment's current generation started waiting; null on its first look. */
  queuedAt: Date | null;
  /** Other environments waiting on this host, first in line first. */
  waiting: AdmissionWaitRow[];
}

/** One environment waiting for memory on a host (`admission_waits`). */
export interface AdmissionWaitRow {
  environmentId: string;
  generation: number;
  neededBytes: number;
  queuedAt: Date;
  seenAt: Date;
}

/** Container rows older than the memory metadata count as the driver's default limit. */
const UNKNOWN_CONTAINER_BYTES = 512 * 1024 * 1024;

/**
 * The memory limits promised on one Docker host, read from the resource ledger. The ledger, not
 * the engine, is the source: it survives restarts of Berth (and of the engine) like the engine
 * does, and it also holds containers that are admitted but not created yet, so two workers
 * admitting at once cannot both take the last room. Admission and reservation happen in one
 * transaction under a per-host advisory lock.
 */
export class HostMemoryLedger {
  constructor(
    private readonly prisma: PrismaClient,
    /** The Docker host (DOCKER_HOST_NAME) whose rows count. */
    readonly host = 'local',
  ) {}

  /** Memory limits of live containers on this host that belong to other environments. */
  async committedBytes(exceptEnvironmentId: string | null): Promise<number> {
    return this.sum(this.prisma, exceptEnvironmentId);
  }

  /**
   * Admission with a line: under the host's lock, prunes waits that no longer stand (a newer
   * generation, a closed or failed environment), reads what other environments hold and who is
   * waiting, and asks `decide`. `admitted`: every container is reserved in the ledger (state
   * planned, its memory in the metadata; upserted by name, so safe to run twice) and the
   * environment leaves the line; `queued`: its wait is written, keeping its first `queuedAt`;
   * `timed-out`: it leaves the line. One transaction, so two workers never both take the room.
   */
  async admit<T extends { verdict: 'admitted' | 'queued' | 'timed-out' }>(
    request: {
      environmentId: string;
      generation: number;
      neededBytes: number;
      containers: readonly MemoryReservation[];
    },
    decide: (facts: AdmissionFacts) => T,
  ): Promise<T> {
    const { environmentId, generation, neededBytes } = request;
    return this.prisma.$transaction(async (tx) => {
      const key = `berth:host-memory:${this.host}`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))`;
      await tx.$executeRaw`
        DELETE FROM admission_waits w USING environments e
        WHERE w.environment_id = e.id AND w.host = ${this.host}
          AND (w.generation <> e.generation OR e.state <> 'provisioning' OR e.closed_at IS NOT NULL)`;
      // The transaction's clock (now() is fixed for it): every worker measures waits by it.
      const clock = await tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      const now = clock[0]?.now ?? new Date();
      const waits = await this.waitRows(tx);
      const mine = waits.find((w) => w.environmentId === environmentId);
      const verdict = decide({
        committedBytes: await this.sum(tx, environmentId),
        now,
        queuedAt: mine && mine.generation === generation ? mine.queuedAt : null,
        waiting: waits.filter((w) => w.environmentId !== environmentId),
      });
      if (verdict.verdict === 'queued') {
        await tx.$executeRaw`
          INSERT INTO admission_waits (environment_id, host, generation, needed_bytes, queued_at, seen_at)
          VALUES (${environmentId}::uuid, ${this.host}, ${generation}, ${neededBytes}::bigint, now(), now())
          ON CONFLICT (environment_id) DO UPDATE
            SET host = EXCLUDED.host, needed_bytes = EXCLUDED.needed_bytes, seen_at = EXCLUDED.seen_at,
                queued_at = CASE WHEN admission_waits.generation = EXCLUDED.generation
                                 THEN admission_waits.queued_at ELSE EXCLUDED.queued_at END,
                generation = EXCLUDED.generation`;
        return verdict;
      }
      await tx.$executeRaw`DELETE FROM admission_waits WHERE environment_id = ${environmentId}::uuid`;
      if (verdict.verdict === 'admitted')
        await this.reserveIn(tx, environmentId, request.containers);
      return verdict;
    });
  }

  /**
   * Environments waiting for memory on this host whose wait still stands (their generation is
   * current and they are still provisioning), first in line first: what /metrics counts and what
   * a teardown wakes.
   */
  async waiting(): Promise<AdmissionWaitRow[]> {
    return this.waitRows(this.prisma);
  }

  private async waitRows(client: Pick<PrismaClient, '$queryRaw'>): Promise<AdmissionWaitRow[]> {
    const rows = await client.$queryRaw<
      {
        environment_id: string;
        generation: number;
        needed_bytes: bigint;
        queued_at: Date;
        seen_at: Date;
      }[]
    >`
      SELECT w.environment_id::text, w.generation, w.needed_bytes, w.queued_at, w.seen_at
      FROM admission_waits w JOIN environments e ON e.id = w.environment_id
      WHERE w.host = ${this.host} AND w.generation = e.generation
        AND e.state = 'provisioning' AND e.closed_at IS NULL
      ORDER BY w.queued_at, w.environment_id`;
    return rows.map((r) => ({
      environmentId: r.environment_id,
      generation: r.generation,
      neededBytes: Number(r.needed_bytes),
      queuedAt: r.queued_at,
      seenAt: r.seen_at,
    }));
  }

  /** Records every container (state planned, its memory in the metadata); upserted by name. */
  private async reserveIn(
    tx: Pick<PrismaClient, '$executeRaw'>,
    environmentId: string,
    containers: readonly MemoryReservation[],
  ): Promise<void> {
    for (const c of containers) {
      const metadata = JSON.stringify({ ...c.metadata, memoryBytes: c.memoryBytes });
      // A row freed earlier (deleted) counts again from now on: back to planned.
      await tx.$executeRaw`
        INSERT INTO resources (id, kind, provider, name, environment_id, host, state, metadata, updated_at)
        VALUES (gen_random_uuid(), 'container', 'docker', ${c.name}, ${environmentId}::uuid,
                ${this.host}, 'planned', ${metadata}::jsonb, now())
        ON CONFLICT (provider, host, kind, name) DO UPDATE
          SET environment_id = EXCLUDED.environment_id,
              metadata = resources.metadata || EXCLUDED.metadata,
              state = CASE WHEN resources.state = 'deleted' THEN 'planned'::resource_state
                           ELSE resources.state END,
              deleted_at = NULL,
              updated_at = now()`;
    }
  }

  private async sum(
    client: Pick<PrismaClient, '$queryRaw'>,
    exceptEnvironmentId: string | null,
  ): Promise<number> {
    const rows = await client.$queryRaw<{ bytes: bigint | null }[]>`
      SELECT SUM(COALESCE((metadata->>'memoryBytes')::bigint, ${UNKNOWN_CONTAINER_BYTES}::bigint))::bigint AS bytes
      FROM resources
      WHERE host = ${this.host} AND provider = 'docker' AND kind = 'container'
        AND state <> 'deleted'
        AND environment_id IS DISTINCT FROM ${exceptEnvironmentId}::uuid`;
    return Number(rows[0]?.bytes ?? 0n);
  }
}
