import type { PrismaClient } from '../generated.js';
import { HostMemoryLedger } from '../ledger/host-memory-ledger.js';

/** One Docker host as the database knows it: what is promised, measured and waiting there. */
export interface HostUsage {
  host: string;
  /** Environments placed on it that are not destroyed; `asleep`: of those, stopped by sleep. */
  environments: number;
  asleep: number;
  /** Live container rows in the resource ledger (planned or created). */
  containers: number;
  /** Memory limits the ledger promises there: what admission counts (HostMemoryLedger). */
  committedMemoryBytes: number;
  /** The admission ceiling the host's worker used last, from its newest replicate stage run. */
  capacity: { memoryBytes: number; measuredAt: Date } | null;
  /** Environments in the host's admission line, and the memory they ask for. */
  waiting: number;
  waitingMemoryBytes: number;
  /** Memory in use by its running containers, from the usage sampler's newest readings. */
  memoryInUseBytes: number;
  /** CPU time its environments used today (UTC), from the usage sampler. */
  cpuSecondsToday: number;
  /** When the usage sampler last read this host; null: never. */
  sampledAt: Date | null;
}

/** A sampler reading older than this is of a container that no longer runs. */
const FRESH_SAMPLE_S = 600;

/**
 * Docker hosts' capacity and use from what Postgres holds (decision 0031): the resource
 * ledger, the admission line, replicate stage runs and the usage sampler's cursors. The api
 * never opens Docker; the workers that do write these.
 */
export class HostUsageQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /** Every host any environment, ledger row or admission wait names. */
  async hosts(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ host: string }[]>`
      SELECT docker_host AS host FROM environments WHERE state <> 'destroyed'
      UNION SELECT host FROM resources
        WHERE provider = 'docker' AND kind = 'container' AND state <> 'deleted'
      UNION SELECT host FROM admission_waits
      ORDER BY host`;
    return rows.map((r) => r.host);
  }

  async usage(host: string): Promise<HostUsage> {
    const ledger = new HostMemoryLedger(this.prisma, host);
    const [committedMemoryBytes, waiting, counts, capacity, sampled] = await Promise.all([
      ledger.committedBytes(null),
      ledger.waiting(),
      this.prisma.$queryRaw<{ environments: number; asleep: number; containers: number }[]>`
        SELECT
          (SELECT count(*)::int FROM environments
            WHERE docker_host = ${host} AND state <> 'destroyed') AS environments,
          (SELECT count(*)::int FROM environments
            WHERE docker_host = ${host} AND state <> 'destroyed' AND slept_at IS NOT NULL) AS asleep,
          (SELECT count(*)::int FROM resources WHERE host = ${host} AND provider = 'docker'
            AND kind = 'container' AND state <> 'deleted') AS containers`,
      this.prisma.$queryRaw<{ capacityMb: number; at: Date }[]>`
        SELECT (s.details->'admission'->>'capacityMb')::float8 AS "capacityMb",
          coalesce(s.finished_at, s.created_at) AS at
        FROM stage_runs s
        JOIN revisions v ON v.id = s.revision_id
        JOIN environments e ON e.id = v.environment_id
        WHERE e.docker_host = ${host} AND s.stage = 'replicate'
          AND s.details->'admission'->>'capacityMb' IS NOT NULL
        ORDER BY s.created_at DESC LIMIT 1`,
      this.prisma.$queryRaw<{ memoryBytes: bigint | null; sampledAt: Date | null; cpu: number }[]>`
        SELECT
          (SELECT sum(memory_bytes)::bigint FROM usage_cursors
            WHERE host = ${host} AND key NOT LIKE 'disk:%'
              AND sampled_at > now() - make_interval(secs => ${FRESH_SAMPLE_S})) AS "memoryBytes",
          (SELECT max(sampled_at) FROM usage_cursors WHERE host = ${host}) AS "sampledAt",
          (SELECT coalesce(sum(u.cpu_seconds), 0)::float8 FROM environment_usage u
            JOIN environments e ON e.id = u.environment_id
            WHERE e.docker_host = ${host} AND u.day = (now() AT TIME ZONE 'UTC')::date) AS cpu`,
    ]);
    const count = counts[0];
    const measured = capacity[0];
    const sample = sampled[0];
    return {
      host,
      environments: count?.environments ?? 0,
      asleep: count?.asleep ?? 0,
      containers: count?.containers ?? 0,
      committedMemoryBytes,
      capacity: measured
        ? { memoryBytes: Math.round(measured.capacityMb * 1024 * 1024), measuredAt: measured.at }
        : null,
      waiting: waiting.length,
      waitingMemoryBytes: waiting.reduce((sum, w) => sum + w.neededBytes, 0),
      memoryInUseBytes: Number(sample?.memoryBytes ?? 0n),
      cpuSecondsToday: sample?.cpu ?? 0,
      sampledAt: sample?.sampledAt ?? null,
    };
  }
}
