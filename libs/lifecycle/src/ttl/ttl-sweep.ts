// The TTL sweep (issue 11 item 1, docs/decisions/0020-ttl-expiry.md). Scheduled on the `ttl-<host>`
// queue; it only reads and decides (core's `decideTtl`), and every change — the warning, the
// expiry, an operator's extension — is a command on the one command path, decided again under
// the environment's row lock. Running it twice, or on several workers at once, warns once and
// expires once.

import { decideTtl, type TtlFacts, type TtlPolicy, ttlTerms } from '@berth/core';
import type { ExpiryDisplay, TtlCandidate, TtlQueries } from '@berth/db';
import type { Logger } from 'pino';
import type { EnvironmentCommands, TtlOutcome } from '../commands/environment-commands.js';

export interface TtlSweepDeps {
  queries: TtlQueries;
  commands: EnvironmentCommands;
  policy: TtlPolicy;
  /** The Docker host whose environments this worker sweeps (DOCKER_HOST_NAME). */
  dockerHost: string;
  logger: Logger;
  now?: () => number;
  /** Commands in flight at once (each is one short transaction). */
  concurrency?: number;
}

export interface TtlSweepReport {
  host: string;
  /** Environments looked at (open PRs in a state that can expire). */
  checked: number;
  warned: number;
  expired: number;
  /** Due when read, but the command found otherwise (another worker, a push meanwhile). */
  skipped: number;
  failures: number;
  /** Rows whose shown expiry (`expires_at`, `ttl_ms`) changed. */
  displayUpdated: number;
  durationMs: number;
}

export type TtlExtendResult =
  | {
      status: 'extended';
      environmentId: string;
      expiresAt: string;
      previousExpiresAt: string | null;
    }
  | { status: 'refused'; environmentId: string; reason: string }
  | { status: 'gone'; environmentId: string };

/** The facts `decideTtl` needs, from the sweep's row. */
export function candidateFacts(row: TtlCandidate): TtlFacts {
  return {
    prNumber: row.prNumber,
    state: row.state,
    closed: row.closed,
    createdAt: row.createdAt.getTime(),
    ttlStartedAt: row.ttlStartedAt.getTime(),
    readyAt: row.readyAt?.getTime() ?? null,
    labelTtlMs: row.ttlLabelMs,
    repositoryDefaultTtlHours: row.repositoryDefaultTtlHours,
    extendedUntil: row.ttlExtendedUntil?.getTime() ?? null,
    warnedFor: row.ttlWarnedFor?.getTime() ?? null,
  };
}

export class TtlSweep {
  constructor(private readonly deps: TtlSweepDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async sweep(): Promise<TtlSweepReport> {
    const { queries, commands, policy, logger } = this.deps;
    const started = performance.now();
    const rows = await queries.candidates(this.deps.dockerHost);
    const now = this.now();
    const display: ExpiryDisplay[] = [];
    const due: { row: TtlCandidate; action: 'warn' | 'expire' }[] = [];
    for (const row of rows) {
      const verdict = decideTtl(candidateFacts(row), now, policy);
      if (verdict.action !== 'none') {
        due.push({ row, action: verdict.action });
        continue;
      }
      const terms = verdict.terms;
      if (terms && (row.expiresAt?.getTime() !== terms.expiresAt || row.ttlMs !== terms.ttlMs)) {
        display.push({ id: row.id, expiresAt: new Date(terms.expiresAt), ttlMs: terms.ttlMs });
      }
    }
    const displayUpdated = await queries.showExpiry(display);
    const report: TtlSweepReport = {
      host: this.deps.dockerHost,
      checked: rows.length,
      warned: 0,
      expired: 0,
      skipped: 0,
      failures: 0,
      displayUpdated,
      durationMs: 0,
    };
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const { row, action } = due[next++]!;
        const context = { policy, repositoryDefaultTtlHours: row.repositoryDefaultTtlHours };
        try {
          const outcome: TtlOutcome =
            action === 'warn'
              ? await commands.ttlWarn(row.id, context)
              : await commands.ttlExpire(row.id, context);
          if (outcome.status === 'warned') report.warned += 1;
          else if (outcome.status === 'expired') report.expired += 1;
          else report.skipped += 1;
          if (outcome.status === 'warned' || outcome.status === 'expired') {
            logger.info(
              {
                environmentId: row.id,
                prNumber: row.prNumber,
                expiresAt: outcome.expiresAt.toISOString(),
              },
              outcome.status === 'warned' ? 'preview expiring: warned' : 'preview expired',
            );
          }
        } catch (error) {
          report.failures += 1;
          logger.error({ err: error, environmentId: row.id, action }, 'TTL command failed');
        }
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency ?? 4 }, lane));
    report.durationMs = Math.round(performance.now() - started);
    if (report.warned + report.expired + report.failures > 0) {
      logger.info({ ...report }, 'TTL sweep acted');
    }
    return report;
  }

  /** `berth env extend` through the admin api: one command, answered with the new expiry. */
  async extend(environmentId: string, byMs: number, requestedBy: string): Promise<TtlExtendResult> {
    const { queries, commands, policy } = this.deps;
    const row = await queries.candidate(environmentId);
    if (!row) return { status: 'gone', environmentId };
    const previous = ttlTerms(candidateFacts(row), policy);
    const outcome = await commands.ttlExtend(environmentId, byMs, requestedBy, {
      policy,
      repositoryDefaultTtlHours: row.repositoryDefaultTtlHours,
    });
    if (outcome.status === 'refused' || outcome.status === 'skipped') {
      return { status: 'refused', environmentId, reason: outcome.reason };
    }
    if (outcome.status !== 'extended') return { status: 'gone', environmentId };
    this.deps.logger.info(
      { environmentId, byMs, requestedBy, expiresAt: outcome.expiresAt.toISOString() },
      'preview TTL extended',
    );
    return {
      status: 'extended',
      environmentId,
      expiresAt: outcome.expiresAt.toISOString(),
      previousExpiresAt: previous ? new Date(previous.expiresAt).toISOString() : null,
    };
  }
}
