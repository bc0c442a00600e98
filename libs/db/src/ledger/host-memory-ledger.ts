import type { PrismaClient } from '../generated.js';

/** One container an environment is about to run, with the memory limit it will get. */
export interface MemoryReservation {
  /** The container's deterministic name (its ledger row's name). */
  name: string;
  memoryBytes: number;
  metadata?: Record<string, unknown>;
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
   * Under the host's lock: reads what other environments hold, asks `decide`, and when it admits
   * records every container of this environment (state planned, its memory in the metadata)
   * before the lock is released. Safe to run twice: rows are upserted by name.
   */
  async reserve<T extends { admitted: boolean }>(
    environmentId: string,
    containers: readonly MemoryReservation[],
    decide: (committedBytes: number) => T,
  ): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      const key = `berth:host-memory:${this.host}`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))`;
      const verdict = decide(await this.sum(tx, environmentId));
      if (!verdict.admitted) return verdict;
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
      return verdict;
    });
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
