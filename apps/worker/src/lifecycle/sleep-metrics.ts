import type { IdleSweepReport, SleepResult, WakeResult } from '@berth/lifecycle';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Around the ≤ 5 s target (decision 0024) and up to what this host was measured at (~17 s). */
export const WAKE_BUCKETS_S = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 60];

/** Who woke a preview: a gateway's first request, or an operator (CLI, REST, console). */
export function wokenBy(requestedBy: string): 'gateway' | 'operator' {
  return requestedBy === 'gateway' ? 'gateway' : 'operator';
}

/**
 * Sleep and wake (decision 0024) on the worker's /metrics: what this worker did, recorded as
 * each job finishes, and (read from the state store when scraped) the previews asleep on this
 * Docker host — every sweep worker of a host shows the same value: aggregate it with max.
 */
export class SleepMetrics {
  private readonly slept = new Map<string, number>();
  private readonly woken = new Map<string, number>();
  private readonly wakeFailures = new Map<string, number>();
  private readonly sweeps = new Map<string, number>();
  // Made here, registered later: wakes can finish before the registry exists.
  private readonly wakeDuration = new Histogram({
    name: 'berth_sleep_wake_duration_seconds',
    help: 'How long a wake took, from starting the containers to every service ready (target ≤ 5 s).',
    buckets: WAKE_BUCKETS_S,
    registers: [],
  });

  constructor(
    /** Previews asleep on this Docker host now; rejected: the gauge shows -1. */
    private readonly asleep: () => Promise<number>,
    private readonly dockerHost: string,
  ) {}

  /** An idle sweep: its new sleeps count as `idle`. */
  recordSweep(report: IdleSweepReport): void {
    bump(this.sweeps, report.failures > 0 ? 'failures' : 'ok');
    bump(this.slept, 'idle', report.slept);
  }

  recordSweepError(): void {
    bump(this.sweeps, 'error');
  }

  /** An operator's sleep: counted once, not again when it was asleep already. */
  recordSleep(result: SleepResult): void {
    if (result.status === 'asleep' && !result.already) bump(this.slept, 'operator');
  }

  /** A wake that ran: its time counts; one that found nothing to start (awake, waiting) does not. */
  recordWake(result: WakeResult, requestedBy: string): void {
    if (result.status !== 'woken') return;
    bump(this.woken, wokenBy(requestedBy));
    this.wakeDuration.observe(result.ms / 1000);
  }

  /** A wake that threw (a container would not start or become ready; the lease was busy). */
  recordWakeFailure(requestedBy: string): void {
    bump(this.wakeFailures, wokenBy(requestedBy));
  }

  register(registry: Registry): void {
    const self = {
      slept: this.slept,
      woken: this.woken,
      wakeFailures: this.wakeFailures,
      sweeps: this.sweeps,
    };
    const { asleep, dockerHost } = this;
    const byLabel = (name: string, help: string, label: string, map: Map<string, number>) =>
      new Counter({
        name,
        help,
        labelNames: [label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [value, n] of map) this.inc({ [label]: value }, n);
        },
      });
    byLabel(
      'berth_sleep_slept_total',
      'Previews this worker put to sleep (containers stopped, data kept), by reason (idle, operator).',
      'reason',
      self.slept,
    );
    byLabel(
      'berth_sleep_woken_total',
      'Previews this worker woke, by who asked (gateway: the first request; operator).',
      'by',
      self.woken,
    );
    byLabel(
      'berth_sleep_wake_failures_total',
      'Wakes that failed on this worker, by who asked (the next request asks again).',
      'by',
      self.wakeFailures,
    );
    byLabel(
      'berth_sleep_idle_sweeps_total',
      'Idle sweeps on this worker, by outcome (ok, failures: some sleeps failed, error: the sweep threw).',
      'outcome',
      self.sweeps,
    );
    registry.registerMetric(this.wakeDuration);
    new Gauge({
      name: 'berth_sleep_asleep',
      help: 'Previews asleep on this Docker host now (every sweep worker of a host shows the same: use max).',
      labelNames: ['host'] as const,
      registers: [registry],
      async collect() {
        this.set({ host: dockerHost }, await asleep().catch(() => -1));
      },
    });
  }
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
