import type { EnvironmentState, PrismaClient } from '../generated.js';

export interface StuckEnvironment {
  id: string;
  generation: number;
  state: EnvironmentState;
  /** Pipeline stages of the current generation that succeeded. */
  succeeded: string[];
}

/**
 * What the convergence sweep looks for: environments that should be moving but are not (no
 * lease held, no job waiting in the outbox, untouched for a while), and destroyed ones whose
 * ledger still holds live resources.
 */
export class ConvergenceQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async stuck(quietMs: number, limit = 200): Promise<StuckEnvironment[]> {
    return this.prisma.$queryRaw<StuckEnvironment[]>`
      SELECT e.id::text AS id, e.generation, e.state,
        coalesce(array_agg(DISTINCT s.stage::text) FILTER (WHERE s.status = 'succeeded'), '{}') AS succeeded
      FROM environments e
      LEFT JOIN revisions r ON r.environment_id = e.id AND r.generation = e.generation
      LEFT JOIN stage_runs s ON s.revision_id = r.id
      WHERE (
          e.state IN ('building', 'provisioning', 'destroying')
          OR (e.state IN ('destroyed', 'skipped') AND EXISTS (
            SELECT 1 FROM resources x WHERE x.environment_id = e.id AND x.state <> 'deleted')))
        AND e.updated_at < now() - make_interval(secs => ${quietMs / 1000})
        AND (e.lease_token IS NULL OR e.lease_expires_at < now())
        AND NOT EXISTS (
          SELECT 1 FROM outbox_jobs o
          WHERE o.dispatched_at IS NULL AND o.data->>'environmentId' = e.id::text)
      GROUP BY e.id
      ORDER BY e.updated_at
      LIMIT ${limit}`;
  }

  /** Marks that the sweep looked at it, so it is not looked at again before `quietMs`. */
  async touch(environmentId: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE environments SET updated_at = now() WHERE id = ${environmentId}::uuid`;
  }
}
