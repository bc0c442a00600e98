// The idle sweep (issue 11 items 1 and 5, docs/decisions/0024-sleep-and-wake.md). Scheduled on the
// `sleep-<host>` queue; it only reads and decides (core's `decideIdleSleep`): every preview nobody
// opened for its idle hours is put to sleep through EnvironmentSleep, whose command decides again
// under the row lock, so two sweeps (two workers) sleep it once.

import { decideIdleSleep, type IdleFacts, type IdlePolicy } from '@berth/core';
import type { IdleCandidate, SleepQueries } from '@berth/db';
import type { Logger } from 'pino';
import type { EnvironmentSleep } from './environment-sleep.js';

export interface IdleSweepDeps {
  queries: SleepQueries;
  sleeper: Pick<EnvironmentSleep, 'sleep'>;
  policy: IdlePolicy;
  /** The Docker host whose environments this worker sweeps (DOCKER_HOST_NAME). */
  dockerHost: string;
  logger: Logger;
  now?: () => number;
  /** Sleeps in flight at once (each stops one environment's containers). */
  concurrency?: number;
}

export interface IdleSweepReport {
  host: string;
  /** Awake, ready environments looked at. */
  checked: number;
  slept: number;
  /** Due when read, but the command found otherwise (a push, a request, another worker). */
  skipped: number;
  failures: number;
  durationMs: number;
}

/** The facts `decideIdleSleep` needs, from the sweep's row. */
export function idleFacts(row: IdleCandidate): IdleFacts {
  return {
    prNumber: row.prNumber,
    state: row.state,
    closed: row.closed,
    sleptAt: row.sleptAt?.getTime() ?? null,
    borrowers: row.borrowers,
    lastAccessAt: row.lastAccessAt?.getTime() ?? null,
    readyAt: row.readyAt?.getTime() ?? null,
    wokeAt: row.wokeAt?.getTime() ?? null,
    createdAt: row.createdAt.getTime(),
    repositoryIdleSleepHours: row.repositoryIdleSleepHours,
  };
}

export class IdleSweep {
  constructor(private readonly deps: IdleSweepDeps) {}

  async sweep(): Promise<IdleSweepReport> {
    const { queries, sleeper, policy, logger } = this.deps;
    const started = performance.now();
    const report: IdleSweepReport = {
      host: this.deps.dockerHost,
      checked: 0,
      slept: 0,
      skipped: 0,
      failures: 0,
      durationMs: 0,
    };
    const rows = await queries.idleCandidates(this.deps.dockerHost);
    report.checked = rows.length;
    const now = this.deps.now?.() ?? Date.now();
    const due = rows.flatMap((row) => {
      const verdict = decideIdleSleep(idleFacts(row), now, policy);
      return verdict.action === 'sleep' ? [{ row, verdict }] : [];
    });
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const { row, verdict } = due[next++]!;
        const why = `nobody opened it for ${verdict.idleHours}h or more (the idle policy)`;
        try {
          const result = await sleeper.sleep(row.id, 'idle', why);
          if (result.status === 'asleep' && !result.already) report.slept += 1;
          else report.skipped += 1;
        } catch (error) {
          report.failures += 1;
          logger.error({ err: error, environmentId: row.id }, 'idle sleep failed');
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency ?? 2 }, lane));
    report.durationMs = Math.round(performance.now() - started);
    if (report.slept + report.failures > 0) logger.info({ ...report }, 'idle sweep acted');
    return report;
  }
}
