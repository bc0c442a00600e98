import type { EnvironmentState, PrismaClient } from '../generated.js';
import { pullRequestEnvironment } from './pull-request-environment.js';

/** One ready environment as the idle sweep sees it (decision 0024): the facts core decides on. */
export interface IdleCandidate {
  id: string;
  prNumber: number;
  state: EnvironmentState;
  closed: boolean;
  createdAt: Date;
  readyAt: Date | null;
  lastAccessAt: Date | null;
  wokeAt: Date | null;
  sleptAt: Date | null;
  /** The repository's `berth repo set --idle-sleep`, in hours (0 = never); null: the operator's. */
  repositoryIdleSleepHours: number | null;
  /** Routes of other environments borrowing this one (only the base environment lends). */
  borrowers: number;
}

/**
 * The idle sweep's read. Everything that changes an environment — falling asleep, waking — goes
 * through the command path under its row lock, which decides again.
 */
export class SleepQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Every awake, ready environment of an open PR on this Docker host, with its repository's idle
   * setting and how many routes borrow it: one scan over the `state` index.
   */
  idleCandidates(dockerHost: string, limit = 10_000): Promise<IdleCandidate[]> {
    return this.prisma.$queryRaw<IdleCandidate[]>`
      SELECT e.id::text AS id, e.pr_number AS "prNumber", e.state,
        (e.closed_at IS NOT NULL) AS closed, e.created_at AS "createdAt",
        e.ready_at AS "readyAt", e.last_access_at AS "lastAccessAt", e.woke_at AS "wokeAt",
        e.slept_at AS "sleptAt", s.idle_sleep_hours AS "repositoryIdleSleepHours",
        (SELECT count(*)::int FROM routes b
          WHERE b.borrowed_from = e.id AND b.environment_id <> e.id) AS borrowers
      FROM environments e
      JOIN repositories r ON r.id = e.repository_id
      LEFT JOIN repository_settings s ON s.full_name = lower(r.full_name)
      WHERE e.docker_host = ${dockerHost}
        AND e.state = 'ready'
        AND e.closed_at IS NULL
        AND e.slept_at IS NULL
      ORDER BY e.id
      LIMIT ${limit}`;
  }

  /** Where an operator's sleep or wake goes: the environment of `owner/name#pr` and its host. */
  async locate(
    repository: string,
    prNumber: number,
  ): Promise<{ id: string; dockerHost: string } | undefined> {
    const env = await pullRequestEnvironment(this.prisma, repository, prNumber);
    return env ? { id: env.id, dockerHost: env.dockerHost } : undefined;
  }
}
