import type { TtlExtendResult, TtlSweepReport } from '@berth/lifecycle';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * TTL (decision 0020) on the worker's /metrics. Sweeps are recorded as they finish; every metric
 * reads those totals when scraped. Counters are what this worker's sweeps did: each warning and
 * each expiry is one command under the row lock, so summing over workers counts each once.
 */
export class TtlMetrics {
  private readonly sweeps = new Map<string, number>();
  private warned = 0;
  private expired = 0;
  private extended = 0;
  private failures = 0;
  private last: { report: TtlSweepReport; at: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  record(report: TtlSweepReport): void {
    bump(this.sweeps, report.failures > 0 ? 'failures' : 'ok');
    this.warned += report.warned;
    this.expired += report.expired;
    this.failures += report.failures;
    this.last = { report, at: this.now() };
  }

  /** A sweep that threw (Postgres unreachable): counted, nothing else known. */
  recordError(): void {
    bump(this.sweeps, 'error');
  }

  recordExtension(result: TtlExtendResult): void {
    if (result.status === 'extended') this.extended += 1;
  }

  register(registry: Registry): void {
    // `this` inside collect() is the metric: read the totals through these.
    const self = {
      sweeps: this.sweeps,
      totals: () => ({
        warned: this.warned,
        expired: this.expired,
        extended: this.extended,
        failures: this.failures,
      }),
      last: () => this.last,
    };
    new Counter({
      name: 'berth_ttl_sweeps_total',
      help: 'TTL sweeps on this worker, by outcome (ok, failures: some commands failed, error: the sweep threw).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [outcome, n] of self.sweeps) this.inc({ outcome }, n);
      },
    });
    const total = (
      name: string,
      help: string,
      pick: (t: ReturnType<typeof self.totals>) => number,
    ) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(pick(self.totals()));
        },
      });
    total(
      'berth_ttl_warned_total',
      'Previews warned that their TTL runs out soon (PR comment and `expiring` event), by this worker.',
      (t) => t.warned,
    );
    total(
      'berth_ttl_expired_total',
      'Previews expired and sent to teardown at the end of their TTL, by this worker.',
      (t) => t.expired,
    );
    total(
      'berth_ttl_extended_total',
      'TTL extensions (berth env extend, REST) this worker applied.',
      (t) => t.extended,
    );
    total(
      'berth_ttl_command_failures_total',
      'Warnings or expiries a TTL sweep on this worker failed to apply (the next sweep tries again).',
      (t) => t.failures,
    );
    new Gauge({
      name: 'berth_ttl_last_sweep_duration_seconds',
      help: 'How long the last TTL sweep on this worker took.',
      registers: [registry],
      collect() {
        this.set((self.last()?.report.durationMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'berth_ttl_last_sweep_timestamp_seconds',
      help: 'When the last TTL sweep on this worker finished (0: none yet; alert when it stops moving).',
      registers: [registry],
      collect() {
        this.set(Math.round((self.last()?.at ?? 0) / 1000));
      },
    });
    new Gauge({
      name: 'berth_ttl_last_sweep_checked',
      help: 'Previews the last TTL sweep on this worker looked at (open PRs in a state that can expire).',
      registers: [registry],
      collect() {
        this.set(self.last()?.report.checked ?? 0);
      },
    });
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
