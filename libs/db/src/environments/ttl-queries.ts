import type { EnvironmentState, PrismaClient } from '../generated.js';
import { pullRequestEnvironment } from './pull-request-environment.js';

/** One environment as the TTL sweep sees it (decision 0020): the facts `decideTtl` needs. */
export interface TtlCandidate {
  id: string;
  prNumber: number;
  state: EnvironmentState;
  closed: boolean;
  createdAt: Date;
  ttlStartedAt: Date;
  readyAt: Date | null;
  ttlLabelMs: number | null;
  /** The repository's `berth repo set --ttl`, in hours; null: Berth's default. */
  repositoryDefaultTtlHours: number | null;
  ttlExtendedUntil: Date | null;
  ttlWarnedFor: Date | null;
  /** What the sweep stored last time (display only). */
  expiresAt: Date | null;
  ttlMs: number | null;
}

/** The display columns the sweep keeps up to date. */
export interface ExpiryDisplay {
  id: string;
  expiresAt: Date;
  ttlMs: number;
}

/** States the TTL covers: every state of an open PR but skipped (decision 0020). */
const EXPIRABLE = ['pending', 'held', 'building', 'provisioning', 'ready', 'failed'];

/**
 * The TTL sweep's reads, and its one write of derived display columns (`expires_at`, `ttl_ms`:
 * what the api shows). Everything that changes an environment — the warning, the expiry, an
 * extension — goes through the command path under its row lock.
 */
export class TtlQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Every environment of open PRs on this Docker host that may expire (never the base, PR 0),
   * with its repository's default TTL. One indexed scan; the decision is core's `decideTtl`.
   */
  candidates(dockerHost: string, limit = 10_000): Promise<TtlCandidate[]> {
    return this.prisma.$queryRaw<TtlCandidate[]>`
      SELECT e.id::text AS id, e.pr_number AS "prNumber", e.state,
        (e.closed_at IS NOT NULL) AS closed, e.created_at AS "createdAt",
        e.ttl_started_at AS "ttlStartedAt", e.ready_at AS "readyAt",
        e.ttl_label_ms AS "ttlLabelMs", s.default_ttl_hours AS "repositoryDefaultTtlHours",
        e.ttl_extended_until AS "ttlExtendedUntil", e.ttl_warned_for AS "ttlWarnedFor",
        e.expires_at AS "expiresAt", e.ttl_ms AS "ttlMs"
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN repository_settings s ON s.full_name = lower(r.full_name)
      WHERE e.docker_host = ${dockerHost}
        AND e.pr_number > 0
        AND e.closed_at IS NULL
        AND e.state::text = ANY(${EXPIRABLE}::text[])
      ORDER BY e.id
      LIMIT ${limit}`;
  }

  /** One environment's facts, whatever its state (an extension's answer names the state). */
  async candidate(environmentId: string): Promise<TtlCandidate | undefined> {
    const rows = await this.prisma.$queryRaw<TtlCandidate[]>`
      SELECT e.id::text AS id, e.pr_number AS "prNumber", e.state,
        (e.closed_at IS NOT NULL) AS closed, e.created_at AS "createdAt",
        e.ttl_started_at AS "ttlStartedAt", e.ready_at AS "readyAt",
        e.ttl_label_ms AS "ttlLabelMs", s.default_ttl_hours AS "repositoryDefaultTtlHours",
        e.ttl_extended_until AS "ttlExtendedUntil", e.ttl_warned_for AS "ttlWarnedFor",
        e.expires_at AS "expiresAt", e.ttl_ms AS "ttlMs"
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN repository_settings s ON s.full_name = lower(r.full_name)
      WHERE e.id = ${environmentId}::uuid`;
    return rows[0];
  }

  /** Where an extension goes: the environment of `owner/name#pr` and its Docker host. */
  async locate(
    repository: string,
    prNumber: number,
  ): Promise<{ id: string; dockerHost: string; state: EnvironmentState } | undefined> {
    const env = await pullRequestEnvironment(this.prisma, repository, prNumber);
    return env ? { id: env.id, dockerHost: env.dockerHost, state: env.state } : undefined;
  }

  /**
   * Stores what the sweep computed, in one statement, only where it differs. Derived values: a
   * command that moved the facts meanwhile is corrected by the next sweep; `updated_at` is left
   * alone (the convergence sweep reads it as "last touched by a command").
   */
  async showExpiry(rows: readonly ExpiryDisplay[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.prisma.$executeRaw`
      UPDATE environments e SET expires_at = v.expires_at, ttl_ms = v.ttl_ms
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.expiresAt)}::timestamptz[],
        ${rows.map((r) => r.ttlMs)}::int[]) AS v(id, expires_at, ttl_ms)
      WHERE e.id = v.id
        AND (e.expires_at IS DISTINCT FROM v.expires_at OR e.ttl_ms IS DISTINCT FROM v.ttl_ms)`;
  }
}
