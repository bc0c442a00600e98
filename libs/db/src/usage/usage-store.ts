// Cost telemetry's writes (docs/decisions/0025-cost-telemetry.md): the usage sampler's
// baselines per running container and per environment's disk (`usage_cursors`), and the
// per-environment, per-day sums (`environment_usage`).
//
// A window is counted only by the sampler that advances its baseline from the reading it
// started with (compare and swap on `sampled_at`), in the same statement that adds the window:
// two workers sampling at once, or a job run twice, count each window once.

import type { PrismaClient } from '../generated.js';

/** An environment whose containers the sampler found on its host (`berth.env` label). */
export interface SampledEnvironment {
  id: string;
  /** `owner/repo#pr`, as the `berth.env` label carries it. */
  envLabel: string;
  repository: string;
  prNumber: number;
  state: string;
}

/** The reading a window starts from. Times are the engine's for containers. */
export interface UsageBaseline {
  key: string;
  environmentId: string;
  startedAt: Date | null;
  sampledAt: Date;
  cpuNs: number;
  memoryBytes: number;
  networkBytes: number;
}

/** A baseline moved forward: only while it is still `expected` (null: there is none yet). */
export interface CursorAdvance {
  key: string;
  environmentId: string;
  expected: Date | null;
  startedAt: Date | null;
  sampledAt: Date;
  cpuNs: number;
  memoryBytes: number;
  networkBytes: number;
}

/** What a window adds to one environment's day; applied only when its key's advance won. */
export interface UsageAddition {
  key: string;
  environmentId: string;
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  cpuSeconds: number;
  memoryByteSeconds: number;
  diskByteSeconds: number;
  networkBytes: number;
  awakeSeconds: number;
  containerSeconds: number;
  /** The disk footprint measured (the day keeps its largest). */
  diskBytes: number;
  /** Container windows counted (1), or none (0: a disk window). */
  samples: number;
}

export class UsageStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Environments on this Docker host by `berth.env` label, except destroyed ones. */
  async environments(
    dockerHost: string,
    envLabels: readonly string[],
  ): Promise<SampledEnvironment[]> {
    const pairs = [...new Set(envLabels)].flatMap((label) => {
      const at = label.lastIndexOf('#');
      const pr = Number(label.slice(at + 1));
      return at > 0 && Number.isSafeInteger(pr) && pr >= 0
        ? [{ name: label.slice(0, at), pr }]
        : [];
    });
    if (pairs.length === 0) return [];
    return this.prisma.$queryRaw<SampledEnvironment[]>`
      SELECT e.id::text AS id, r.full_name || '#' || e.pr_number AS "envLabel",
             r.full_name AS repository, e.pr_number AS "prNumber", e.state::text AS state
      FROM unnest(${pairs.map((p) => p.name)}::text[], ${pairs.map((p) => p.pr)}::int[])
        AS wanted(full_name, pr_number)
      JOIN repositories r ON r.full_name = wanted.full_name
      JOIN environments e ON e.repository_id = r.id AND e.pr_number = wanted.pr_number
      WHERE e.docker_host = ${dockerHost} AND e.state <> 'destroyed'`;
  }

  /** The baselines of these keys on this host. */
  async baselines(host: string, keys: readonly string[]): Promise<Map<string, UsageBaseline>> {
    if (keys.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<
      (Omit<UsageBaseline, 'cpuNs' | 'memoryBytes' | 'networkBytes'> & {
        cpuNs: bigint;
        memoryBytes: bigint;
        networkBytes: bigint;
      })[]
    >`
      SELECT key, environment_id::text AS "environmentId", started_at AS "startedAt",
             sampled_at AS "sampledAt", cpu_ns AS "cpuNs", memory_bytes AS "memoryBytes",
             network_bytes AS "networkBytes"
      FROM usage_cursors
      WHERE host = ${host} AND key = ANY(${[...keys]}::text[])`;
    return new Map(
      rows.map((r) => [
        r.key,
        {
          ...r,
          cpuNs: Number(r.cpuNs),
          memoryBytes: Number(r.memoryBytes),
          networkBytes: Number(r.networkBytes),
        },
      ]),
    );
  }

  /**
   * Advances the baselines and adds the windows of those that advanced, in one statement.
   * Returns the keys whose windows were counted; the others were counted by someone else (or
   * had moved on), and their additions are dropped.
   */
  async record(
    host: string,
    advances: readonly CursorAdvance[],
    additions: readonly UsageAddition[],
  ): Promise<string[]> {
    if (advances.length === 0) return [];
    const iso = (d: Date | null) => (d ? d.toISOString() : '');
    const whole = (n: number) => String(Math.max(0, Math.round(n)));
    const rows = await this.prisma.$queryRaw<{ key: string }[]>`
      WITH cur AS (
        SELECT * FROM unnest(
          ${advances.map((a) => a.key)}::text[],
          ${advances.map((a) => a.environmentId)}::uuid[],
          ${advances.map((a) => iso(a.expected))}::text[],
          ${advances.map((a) => iso(a.startedAt))}::text[],
          ${advances.map((a) => iso(a.sampledAt))}::text[],
          ${advances.map((a) => whole(a.cpuNs))}::text[],
          ${advances.map((a) => whole(a.memoryBytes))}::text[],
          ${advances.map((a) => whole(a.networkBytes))}::text[]
        ) AS c(key, environment_id, expected, started_at, sampled_at, cpu_ns, memory_bytes,
               network_bytes)
      ),
      advanced AS (
        UPDATE usage_cursors u
        SET environment_id = c.environment_id,
            started_at = NULLIF(c.started_at, '')::timestamptz,
            sampled_at = c.sampled_at::timestamptz,
            cpu_ns = c.cpu_ns::bigint,
            memory_bytes = c.memory_bytes::bigint,
            network_bytes = c.network_bytes::bigint
        FROM cur c
        WHERE u.host = ${host} AND u.key = c.key AND c.expected <> ''
          AND u.sampled_at = c.expected::timestamptz
        RETURNING u.key
      ),
      inserted AS (
        INSERT INTO usage_cursors AS u (host, key, environment_id, started_at, sampled_at, cpu_ns,
                                        memory_bytes, network_bytes)
        SELECT ${host}, c.key, c.environment_id, NULLIF(c.started_at, '')::timestamptz,
               c.sampled_at::timestamptz, c.cpu_ns::bigint, c.memory_bytes::bigint,
               c.network_bytes::bigint
        FROM cur c
        WHERE c.expected = ''
        ON CONFLICT (host, key) DO NOTHING
        RETURNING u.key
      ),
      won AS (SELECT key FROM advanced UNION ALL SELECT key FROM inserted),
      added AS (
        INSERT INTO environment_usage AS t (environment_id, day, cpu_seconds, memory_byte_seconds,
          disk_byte_seconds, network_bytes, awake_seconds, container_seconds, disk_bytes, samples,
          updated_at)
        SELECT a.environment_id, a.day::date, sum(a.cpu_seconds), sum(a.memory_byte_seconds),
               sum(a.disk_byte_seconds), round(sum(a.network_bytes))::bigint,
               sum(a.awake_seconds), sum(a.container_seconds), round(max(a.disk_bytes))::bigint,
               sum(a.samples)::int, now()
        FROM unnest(
          ${additions.map((a) => a.key)}::text[],
          ${additions.map((a) => a.environmentId)}::uuid[],
          ${additions.map((a) => a.day)}::text[],
          ${additions.map((a) => a.cpuSeconds)}::float8[],
          ${additions.map((a) => a.memoryByteSeconds)}::float8[],
          ${additions.map((a) => a.diskByteSeconds)}::float8[],
          ${additions.map((a) => a.networkBytes)}::float8[],
          ${additions.map((a) => a.awakeSeconds)}::float8[],
          ${additions.map((a) => a.containerSeconds)}::float8[],
          ${additions.map((a) => a.diskBytes)}::float8[],
          ${additions.map((a) => a.samples)}::int[]
        ) AS a(key, environment_id, day, cpu_seconds, memory_byte_seconds, disk_byte_seconds,
               network_bytes, awake_seconds, container_seconds, disk_bytes, samples)
        JOIN won ON won.key = a.key
        GROUP BY a.environment_id, a.day
        ON CONFLICT (environment_id, day) DO UPDATE SET
          cpu_seconds = t.cpu_seconds + EXCLUDED.cpu_seconds,
          memory_byte_seconds = t.memory_byte_seconds + EXCLUDED.memory_byte_seconds,
          disk_byte_seconds = t.disk_byte_seconds + EXCLUDED.disk_byte_seconds,
          network_bytes = t.network_bytes + EXCLUDED.network_bytes,
          awake_seconds = t.awake_seconds + EXCLUDED.awake_seconds,
          container_seconds = t.container_seconds + EXCLUDED.container_seconds,
          disk_bytes = GREATEST(t.disk_bytes, EXCLUDED.disk_bytes),
          samples = t.samples + EXCLUDED.samples,
          updated_at = now()
        RETURNING 1
      )
      SELECT key FROM won`;
    return rows.map((r) => r.key);
  }

  /**
   * Forgets baselines of objects no longer on the host (a removed container, an environment
   * destroyed) once untouched for `olderThan`: a container id never comes back, and a
   * container still there keeps its baseline however long it was stopped.
   */
  async prune(host: string, present: readonly string[], olderThan: Date): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM usage_cursors
      WHERE host = ${host} AND sampled_at < ${olderThan.toISOString()}::timestamptz
        AND NOT (key = ANY(${[...present]}::text[]))`;
  }
}
