import type { ReconcileReport } from '@berth/lifecycle';
import { Counter, Gauge, type Registry } from 'prom-client';

const KINDS = ['container', 'volume', 'network', 'subnet', 'dns_record', 'secret'] as const;

/**
 * The reconciler's numbers on the worker's /metrics. Runs are recorded as they finish (a run can
 * finish before the registry exists), and every metric reads those totals when scraped.
 */
export class ReconcileMetrics {
  private readonly runs = new Map<string, number>();
  private readonly removed = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private stale = 0;
  private sighted = 0;
  private last: ReconcileReport | undefined;
  private lastReal: ReconcileReport | undefined;

  record(report: ReconcileReport): void {
    const mode = report.dryRun ? 'dry' : 'real';
    const outcome = report.failures.length > 0 ? 'failures' : 'ok';
    bump(this.runs, `${mode}|${outcome}`, 1);
    this.last = report;
    if (report.dryRun) return;
    this.lastReal = report;
    for (const r of report.removals) bump(this.removed, r.kind, 1);
    for (const f of report.failures) bump(this.failed, f.kind, 1);
    this.stale += report.staleRows.length;
    this.sighted += report.sightings.length;
  }

  /** A run that threw (Docker or Postgres unreachable): counted, nothing else known. */
  recordError(dryRun: boolean): void {
    bump(this.runs, `${dryRun ? 'dry' : 'real'}|error`, 1);
  }

  register(registry: Registry): void {
    // `this` inside collect() is the metric: read the totals through these.
    const self = {
      runs: this.runs,
      removed: this.removed,
      failed: this.failed,
      stale: () => this.stale,
      sighted: () => this.sighted,
      last: () => this.last,
      lastReal: () => this.lastReal,
    };
    new Counter({
      name: 'berth_reconcile_runs_total',
      help: 'Reconciler runs on this worker, by mode (dry, real) and outcome (ok, failures, error).',
      labelNames: ['mode', 'outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, n] of self.runs) {
          const [mode = '', outcome = ''] = key.split('|');
          this.inc({ mode, outcome }, n);
        }
      },
    });
    new Counter({
      name: 'berth_reconcile_removed_total',
      help: 'Orphans the reconciler removed (subnet: a range given back to the pool), by kind.',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const kind of KINDS) this.inc({ kind }, self.removed.get(kind) ?? 0);
      },
    });
    new Counter({
      name: 'berth_reconcile_removal_failures_total',
      help: 'Orphans the reconciler failed to remove, by kind (the next run tries again).',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const kind of KINDS) this.inc({ kind }, self.failed.get(kind) ?? 0);
      },
    });
    new Counter({
      name: 'berth_reconcile_stale_rows_total',
      help: 'Ledger rows the reconciler marked deleted because their object was gone.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(self.stale());
      },
    });
    new Counter({
      name: 'berth_reconcile_sightings_total',
      help: 'Objects of unknown age (Route 53 records) under Berth’s marks that no ledger row recorded, recorded on first sight.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(self.sighted());
      },
    });
    new Gauge({
      name: 'berth_reconcile_last_run_removals',
      help: 'Orphans the last reconciler run removed (a dry run: would remove), by kind and mode.',
      labelNames: ['kind', 'mode'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const last = self.last();
        if (!last) return;
        const mode = last.dryRun ? 'dry' : 'real';
        for (const kind of KINDS) this.set({ kind, mode }, last.removalsByKind[kind] ?? 0);
      },
    });
    new Gauge({
      name: 'berth_reconcile_orphans_left',
      help: 'Orphans the last real reconciler run found but did not remove (alert when > 0).',
      registers: [registry],
      collect() {
        this.set(self.lastReal()?.orphansLeft ?? 0);
      },
    });
    new Gauge({
      name: 'berth_reconcile_last_run_timestamp_seconds',
      help: 'When the last real reconciler run on this worker started (0: none yet).',
      registers: [registry],
      collect() {
        const real = self.lastReal();
        const at = real ? Date.parse(real.startedAt) / 1000 : 0;
        this.set(Math.round(at));
      },
    });
    new Gauge({
      name: 'berth_reconcile_duration_seconds',
      help: 'How long the last reconciler run (dry or real) took.',
      registers: [registry],
      collect() {
        this.set((self.last()?.durationMs ?? 0) / 1000);
      },
    });
    new Gauge({
      name: 'berth_reconcile_inventory',
      help: "What the last reconciler run found under Berth's marks on its host (and in Route 53 and Secrets Manager), by kind.",
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        const inventory = self.last()?.inventory;
        if (!inventory) return;
        this.set({ kind: 'container' }, inventory.containers);
        this.set({ kind: 'volume' }, inventory.volumes);
        this.set({ kind: 'network' }, inventory.networks);
        this.set({ kind: 'subnet' }, inventory.subnets);
        this.set({ kind: 'base_state' }, inventory.baseStates);
        this.set({ kind: 'dns_record' }, inventory.dnsRecords);
        this.set({ kind: 'secret' }, inventory.secrets);
        this.set({ kind: 'image' }, inventory.images.total);
      },
    });
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
