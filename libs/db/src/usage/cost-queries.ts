// Cost telemetry's reads (docs/decisions/0025-cost-telemetry.md): usage summed per environment,
// repository or day over a range of UTC days, one environment's days, and previews that ran but
// nobody opened. Usage comes back as measured; pricing is core's (`priceUsage`), at read time.

import { Prisma, type PrismaClient } from '../generated.js';
import { restrictionSql } from '../api/restriction-sql.js';

/** Summed usage; `diskBytes` is the largest footprint measured, not a sum. */
export interface UsageTotals {
  cpuSeconds: number;
  memoryByteSeconds: number;
  diskByteSeconds: number;
  networkBytes: number;
  awakeSeconds: number;
  containerSeconds: number;
  diskBytes: number;
  samples: number;
  /** First and last day with usage (`YYYY-MM-DD`), null when none. */
  firstDay: string | null;
  lastDay: string | null;
}

export interface EnvironmentUsageRow extends UsageTotals {
  environmentId: string;
  repository: string;
  prNumber: number;
  state: string;
  dockerHost: string;
  createdAt: Date;
  readyAt: Date | null;
  destroyedAt: Date | null;
  lastAccessAt: Date | null;
  accessCount: number;
}

export interface RepositoryUsageRow extends UsageTotals {
  repository: string;
  environments: number;
}

export interface DayUsageRow extends UsageTotals {
  day: string;
  environments: number;
}

/** Days from `from` to `to` inclusive (`YYYY-MM-DD`, UTC); optionally one repository. */
export interface UsageFilter {
  from: string;
  to: string;
  /** `owner/name`. */
  repository?: string;
  /** A REST token's repository restriction (`owner/name`, `owner/*`); unset: every one. */
  restriction?: string | null;
}

type RawTotals = Omit<UsageTotals, 'networkBytes' | 'diskBytes' | 'samples'> & {
  networkBytes: bigint | number | null;
  diskBytes: bigint | number | null;
  samples: bigint | number | null;
};

// The same aggregate list in every query: sums over `u` (environment_usage).
const TOTALS = Prisma.raw(`
  coalesce(sum(u.cpu_seconds), 0)::float8 AS "cpuSeconds",
  coalesce(sum(u.memory_byte_seconds), 0)::float8 AS "memoryByteSeconds",
  coalesce(sum(u.disk_byte_seconds), 0)::float8 AS "diskByteSeconds",
  coalesce(sum(u.network_bytes), 0)::bigint AS "networkBytes",
  coalesce(sum(u.awake_seconds), 0)::float8 AS "awakeSeconds",
  coalesce(sum(u.container_seconds), 0)::float8 AS "containerSeconds",
  coalesce(max(u.disk_bytes), 0)::bigint AS "diskBytes",
  coalesce(sum(u.samples), 0)::bigint AS samples,
  to_char(min(u.day), 'YYYY-MM-DD') AS "firstDay",
  to_char(max(u.day), 'YYYY-MM-DD') AS "lastDay"`);

const ENVIRONMENT_COLUMNS = Prisma.raw(`
  e.id::text AS "environmentId", r.full_name AS repository, e.pr_number AS "prNumber",
  e.state::text AS state, e.docker_host AS "dockerHost", e.created_at AS "createdAt",
  e.ready_at AS "readyAt", e.destroyed_at AS "destroyedAt", e.last_access_at AS "lastAccessAt",
  e.access_count AS "accessCount"`);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CostQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /** Every environment with usage in the range, by repository and PR number. */
  async byEnvironment(filter: UsageFilter): Promise<EnvironmentUsageRow[]> {
    const { from, to } = checked(filter);
    const repository = filter.repository ?? null;
    const rows = await this.prisma.$queryRaw<(RawTotals & EnvironmentUsageRow)[]>`
      SELECT ${ENVIRONMENT_COLUMNS}, ${TOTALS}
      FROM environment_usage u
      JOIN environments e ON e.id = u.environment_id
      JOIN repositories r ON r.id = e.repository_id
      WHERE u.day BETWEEN ${from}::date AND ${to}::date
        AND (${repository}::text IS NULL OR r.full_name = ${repository})
        AND ${restrictionSql(filter.restriction ?? null)}
      GROUP BY e.id, r.full_name
      ORDER BY r.full_name, e.pr_number`;
    return rows.map((row) => ({ ...row, ...totals(row) }));
  }

  async byRepository(filter: UsageFilter): Promise<RepositoryUsageRow[]> {
    const { from, to } = checked(filter);
    const repository = filter.repository ?? null;
    const rows = await this.prisma.$queryRaw<
      (RawTotals & { repository: string; environments: bigint })[]
    >`
      SELECT r.full_name AS repository, count(DISTINCT e.id)::bigint AS environments, ${TOTALS}
      FROM environment_usage u
      JOIN environments e ON e.id = u.environment_id
      JOIN repositories r ON r.id = e.repository_id
      WHERE u.day BETWEEN ${from}::date AND ${to}::date
        AND (${repository}::text IS NULL OR r.full_name = ${repository})
        AND ${restrictionSql(filter.restriction ?? null)}
      GROUP BY r.full_name
      ORDER BY r.full_name`;
    return rows.map((row) => ({
      ...totals(row),
      repository: row.repository,
      environments: Number(row.environments),
    }));
  }

  async byDay(filter: UsageFilter): Promise<DayUsageRow[]> {
    const { from, to } = checked(filter);
    const repository = filter.repository ?? null;
    const rows = await this.prisma.$queryRaw<(RawTotals & { environments: bigint })[]>`
      SELECT count(DISTINCT e.id)::bigint AS environments, ${TOTALS}
      FROM environment_usage u
      JOIN environments e ON e.id = u.environment_id
      JOIN repositories r ON r.id = e.repository_id
      WHERE u.day BETWEEN ${from}::date AND ${to}::date
        AND (${repository}::text IS NULL OR r.full_name = ${repository})
        AND ${restrictionSql(filter.restriction ?? null)}
      GROUP BY u.day
      ORDER BY u.day`;
    return rows.map((row) => ({
      ...totals(row),
      day: row.firstDay ?? '',
      environments: Number(row.environments),
    }));
  }

  /** One preview: its row and its usage per day (every day, whatever the range). */
  async environment(
    repository: string,
    prNumber: number,
  ): Promise<{ environment: EnvironmentUsageRow; days: DayUsageRow[] } | null> {
    const found = await this.prisma.$queryRaw<(RawTotals & EnvironmentUsageRow)[]>`
      SELECT ${ENVIRONMENT_COLUMNS}, ${TOTALS}
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN environment_usage u ON u.environment_id = e.id
      WHERE r.full_name = ${repository} AND e.pr_number = ${prNumber}
      GROUP BY e.id, r.full_name`;
    const row = found[0];
    if (!row) return null;
    const days = await this.prisma.$queryRaw<RawTotals[]>`
      SELECT ${TOTALS}
      FROM environment_usage u
      WHERE u.environment_id = ${row.environmentId}::uuid
      GROUP BY u.day
      ORDER BY u.day`;
    return {
      environment: { ...row, ...totals(row) },
      days: days.map((d) => ({ ...totals(d), day: d.firstDay ?? '', environments: 1 })),
    };
  }

  /** All-time usage of these environments (the PR comment's figure, metrics). */
  async totals(environmentIds: readonly string[]): Promise<Map<string, UsageTotals>> {
    if (environmentIds.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<(RawTotals & { environmentId: string })[]>`
      SELECT u.environment_id::text AS "environmentId", ${TOTALS}
      FROM environment_usage u
      WHERE u.environment_id = ANY(${[...environmentIds]}::uuid[])
      GROUP BY u.environment_id`;
    return new Map(rows.map((row) => [row.environmentId, totals(row)]));
  }

  /**
   * Previews on a Docker host that are not destroyed, with their all-time usage (metrics: what
   * is running up a bill right now).
   */
  async live(dockerHost: string): Promise<EnvironmentUsageRow[]> {
    const rows = await this.prisma.$queryRaw<(RawTotals & EnvironmentUsageRow)[]>`
      SELECT ${ENVIRONMENT_COLUMNS}, ${TOTALS}
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN environment_usage u ON u.environment_id = e.id
      WHERE e.docker_host = ${dockerHost} AND e.state <> 'destroyed'
      GROUP BY e.id, r.full_name`;
    return rows.map((row) => ({ ...row, ...totals(row) }));
  }

  /**
   * Previews that ran (became ready, or used anything) but that nobody ever opened: no request
   * through a gateway (`access_count` 0, no `last_access_at`). The base environment (PR 0) is
   * no preview. Created from `since` on; optionally one repository or one Docker host.
   */
  async unopened(filter: {
    since: Date;
    repository?: string;
    dockerHost?: string;
    restriction?: string | null;
  }): Promise<EnvironmentUsageRow[]> {
    const repository = filter.repository ?? null;
    const dockerHost = filter.dockerHost ?? null;
    const rows = await this.prisma.$queryRaw<(RawTotals & EnvironmentUsageRow)[]>`
      SELECT ${ENVIRONMENT_COLUMNS}, ${TOTALS}
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN environment_usage u ON u.environment_id = e.id
      WHERE e.pr_number > 0 AND e.created_at >= ${filter.since.toISOString()}::timestamptz
        AND e.last_access_at IS NULL AND e.access_count = 0
        AND (${repository}::text IS NULL OR r.full_name = ${repository})
        AND ${restrictionSql(filter.restriction ?? null)}
        AND (${dockerHost}::text IS NULL OR e.docker_host = ${dockerHost})
      GROUP BY e.id, r.full_name
      HAVING e.ready_at IS NOT NULL OR coalesce(sum(u.container_seconds), 0) > 0
      ORDER BY e.created_at`;
    return rows.map((row) => ({ ...row, ...totals(row) }));
  }

  /** How many previews on a host ran and were never opened (metrics). */
  async unopenedCount(dockerHost: string): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*)::bigint AS n
      FROM environments e
      WHERE e.docker_host = ${dockerHost} AND e.pr_number > 0 AND e.state <> 'destroyed'
        AND e.ready_at IS NOT NULL AND e.last_access_at IS NULL AND e.access_count = 0`;
    return Number(row?.n ?? 0);
  }
}

function totals(row: RawTotals): UsageTotals {
  return {
    cpuSeconds: Number(row.cpuSeconds ?? 0),
    memoryByteSeconds: Number(row.memoryByteSeconds ?? 0),
    diskByteSeconds: Number(row.diskByteSeconds ?? 0),
    networkBytes: Number(row.networkBytes ?? 0),
    awakeSeconds: Number(row.awakeSeconds ?? 0),
    containerSeconds: Number(row.containerSeconds ?? 0),
    diskBytes: Number(row.diskBytes ?? 0),
    samples: Number(row.samples ?? 0),
    firstDay: row.firstDay ?? null,
    lastDay: row.lastDay ?? null,
  };
}

function checked(filter: UsageFilter): UsageFilter {
  if (!DAY.test(filter.from) || !DAY.test(filter.to)) {
    throw new Error(`days must be YYYY-MM-DD, got ${filter.from} and ${filter.to}`);
  }
  return filter;
}
