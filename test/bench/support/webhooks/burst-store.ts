// What the burst left in the state store, read with plain SQL (the bench is a measuring tool,
// not product code): how many deliveries were stored and are still waiting, the environments
// made, and jobs not yet handed to the queue. Also removes the bench's rows afterwards, so no
// other control plane sharing this database picks up its leftovers.
import pg from 'pg';

export interface BurstProgress {
  /** Distinct burst deliveries stored in webhook_deliveries. */
  stored: number;
  /** Of those, still `received` (not yet processed by the worker). */
  received: number;
  /** outbox_jobs rows for the bench's environments with no dispatched_at. */
  undispatched: number;
  environments: number;
  /** PR numbers with more than one environment (must be 0). */
  duplicatePrs: number;
  outcomes: Record<string, number>;
}

/** Environments of the repository, as text ids (job ids and job data carry them as text). */
const ENVIRONMENT_IDS = `
  SELECT e.id::text FROM environments e
  JOIN repositories r ON r.id = e.repository_id
  WHERE r.full_name = $1`;

export class BurstStore {
  private constructor(private readonly client: pg.Client) {}

  static async connect(databaseUrl: string): Promise<BurstStore> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new BurstStore(client);
  }

  async progress(repository: string, deliveryIds: string[]): Promise<BurstProgress> {
    const deliveries = await this.client.query<{ outcome: string; n: string }>(
      `SELECT outcome::text, count(*) AS n FROM webhook_deliveries
       WHERE delivery_id = ANY($1::text[]) GROUP BY outcome`,
      [deliveryIds],
    );
    const outcomes = Object.fromEntries(deliveries.rows.map((r) => [r.outcome, Number(r.n)]));
    const stored = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const outbox = await this.client.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_jobs
       WHERE dispatched_at IS NULL
         AND (data->>'environmentId' IN (${ENVIRONMENT_IDS}) OR left(job_id, 36) IN (${ENVIRONMENT_IDS}))`,
      [repository],
    );
    const environments = await this.client.query<{ n: string; dup: string }>(
      `SELECT count(*) AS n, count(*) - count(DISTINCT e.pr_number) AS dup
       FROM environments e JOIN repositories r ON r.id = e.repository_id
       WHERE r.full_name = $1`,
      [repository],
    );
    return {
      stored,
      received: outcomes['received'] ?? 0,
      undispatched: Number(outbox.rows[0]?.n ?? 0),
      environments: Number(environments.rows[0]?.n ?? 0),
      duplicatePrs: Number(environments.rows[0]?.dup ?? 0),
      outcomes,
    };
  }

  /**
   * Deletes what the burst wrote: its deliveries (a `received` one left behind would be
   * processed by the next worker on this database), the environments' outbox rows, ledger rows,
   * the environments (revisions, stage runs, routes and events cascade) and the repository.
   */
  async remove(repository: string, deliveryIds: string[]): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await this.client.query(
        `DELETE FROM webhook_deliveries WHERE delivery_id = ANY($1::text[])`,
        [deliveryIds],
      );
      await this.client.query(
        `DELETE FROM outbox_jobs
         WHERE data->>'environmentId' IN (${ENVIRONMENT_IDS}) OR left(job_id, 36) IN (${ENVIRONMENT_IDS})`,
        [repository],
      );
      await this.client.query(
        `DELETE FROM resources WHERE environment_id::text IN (${ENVIRONMENT_IDS})`,
        [repository],
      );
      await this.client.query(`DELETE FROM environments WHERE id::text IN (${ENVIRONMENT_IDS})`, [
        repository,
      ]);
      await this.client.query(`DELETE FROM repositories WHERE full_name = $1`, [repository]);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
