import { type PriceTable, priceUsage, usageUnits } from '@berth/core';
import type { CostQueries } from '@berth/db';
import type { UsageSampleReport } from '@berth/lifecycle';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Cost telemetry on the worker's /metrics (decision 0025). Counters are what this worker's
 * passes counted: each window is counted by exactly one worker, so summing them over workers
 * is right (`increase(berth_cost_dollars_total[1d])` is a day's spend per repository). The
 * gauges are read from the state store when scraped, for this Docker host: every sweep worker
 * of one host shows the same values (aggregate them with max, not sum).
 */
export class CostMetrics {
  private readonly runs = new Map<string, number>();
  private readonly used = new Map<
    string,
    { cpu: number; memory: number; disk: number; network: number; dollars: number }
  >();
  private last: UsageSampleReport | undefined;

  constructor(
    private readonly prices: PriceTable,
    private readonly queries: Pick<CostQueries, 'live' | 'unopenedCount'>,
    private readonly dockerHost: string,
  ) {}

  record(report: UsageSampleReport): void {
    bump(this.runs, report.skipped ? 'skipped' : 'ok');
    if (report.skipped) return;
    this.last = report;
    for (const usage of report.byRepository) {
      const units = usageUnits(usage);
      const sum = this.used.get(usage.repository) ?? {
        cpu: 0,
        memory: 0,
        disk: 0,
        network: 0,
        dollars: 0,
      };
      sum.cpu += usage.cpuSeconds;
      sum.memory += units.memoryGbHours;
      sum.disk += units.diskGbHours;
      sum.network += usage.networkBytes;
      sum.dollars += priceUsage(usage, this.prices).total;
      this.used.set(usage.repository, sum);
    }
  }

  /** A pass that threw (Docker or Postgres unreachable). */
  recordError(): void {
    bump(this.runs, 'error');
  }

  register(registry: Registry): void {
    const self = { runs: this.runs, used: this.used, last: () => this.last };
    const { queries, dockerHost, prices } = this;
    new Counter({
      name: 'berth_cost_sample_runs_total',
      help: 'Usage sampling passes on this worker, by outcome (ok, skipped: another worker had the host, error).',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [outcome, n] of self.runs) this.inc({ outcome }, n);
      },
    });
    new Gauge({
      name: 'berth_cost_sample_duration_seconds',
      help: 'How long the last usage sampling pass on this worker took.',
      registers: [registry],
      collect() {
        this.set((self.last()?.durationMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'berth_cost_sampled_containers',
      help: 'Running preview containers the last usage sampling pass read.',
      registers: [registry],
      collect() {
        this.set(self.last()?.containers ?? 0);
      },
    });
    const perRepository = (
      name: string,
      help: string,
      pick: (sum: {
        cpu: number;
        memory: number;
        disk: number;
        network: number;
        dollars: number;
      }) => number,
    ) =>
      new Counter({
        name,
        help,
        labelNames: ['repository'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const [repository, sum] of self.used) this.inc({ repository }, pick(sum));
        },
      });
    perRepository(
      'berth_usage_cpu_seconds_total',
      "CPU-seconds of previews' containers counted by this worker, by repository.",
      (s) => s.cpu,
    );
    perRepository(
      'berth_usage_memory_gb_hours_total',
      "GB-hours of memory in use by previews' containers counted by this worker, by repository.",
      (s) => s.memory,
    );
    perRepository(
      'berth_usage_disk_gb_hours_total',
      'GB-hours of disk held by awake previews counted by this worker, by repository.',
      (s) => s.disk,
    );
    perRepository(
      'berth_usage_network_bytes_total',
      "Bytes previews' containers received and sent, counted by this worker, by repository.",
      (s) => s.network,
    );
    perRepository(
      'berth_cost_dollars_total',
      'Dollars of usage counted by this worker (at the prices when counted), by repository.',
      (s) => s.dollars,
    );
    new Gauge({
      name: 'berth_preview_cost_dollars',
      help: "What each preview on this Docker host that is not destroyed has cost so far (today's prices).",
      labelNames: ['repository', 'pr'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const live = await queries.live(dockerHost).catch(() => []);
        for (const row of live) {
          this.set(
            { repository: row.repository, pr: String(row.prNumber) },
            priceUsage(row, prices).total,
          );
        }
      },
    });
    new Gauge({
      name: 'berth_previews_unopened',
      help: 'Previews on this Docker host, not destroyed, that became ready and that nobody has opened yet.',
      labelNames: ['host'] as const,
      registers: [registry],
      async collect() {
        this.set({ host: dockerHost }, await queries.unopenedCount(dockerHost).catch(() => -1));
      },
    });
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
