import type { HostMemoryLedger, Outbox, WebhookInbox } from '@berth/db';
import type { LifecycleJobData, LifecycleJobName } from '@berth/queue';
import type { Worker } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReconcileMetrics } from './reconcile-metrics.js';
import type { CostMetrics } from './cost-metrics.js';
import type { DiskMetrics } from './disk-metrics.js';
import type { SleepMetrics } from './sleep-metrics.js';
import type { TtlMetrics } from './ttl-metrics.js';

export interface WorkerMetricSources {
  inbox: WebhookInbox;
  outbox: Outbox;
  /** Absent when this worker does not run stages (WORKER_ROLES). */
  worker: Worker<LifecycleJobData, unknown, LifecycleJobName> | undefined;
  /** The host's memory line (environments queued for admission). */
  admission?: Pick<HostMemoryLedger, 'waiting' | 'host'>;
  /** The reconciler's runs, on workers with the `sweep` role. */
  reconcile?: Pick<ReconcileMetrics, 'register'>;
  /** Cost telemetry's passes and usage (decision 0025), on workers with the `sweep` role. */
  cost?: Pick<CostMetrics, 'register'>;
  /** TTL sweeps and extensions (decision 0020), on workers with the `sweep` role. */
  ttl?: Pick<TtlMetrics, 'register'>;
  /** Sleeps, wakes and previews asleep (decision 0024), on workers with the `sweep` role. */
  sleep?: Pick<SleepMetrics, 'register'>;
  /** Disk use by kind (decision 0023), from the cost sampler's disk pass. */
  disk?: Pick<DiskMetrics, 'register'>;
}

/**
 * What an operator alerts on: deliveries waiting in the inbox, jobs waiting in the outbox,
 * previews queued for host memory (and how long the first has waited: ADMISSION_MAX_WAIT_S fails
 * it), and failed job attempts by job name (a teardown failing again and again shows here, and in the
 * logs at error level, instead of being forgotten).
 */
export function registerWorkerMetrics(sources: WorkerMetricSources) {
  return (registry: Registry): void => {
    new Gauge({
      name: 'berth_inbox_waiting',
      help: 'Webhook deliveries stored but not yet processed.',
      registers: [registry],
      async collect() {
        this.set(await sources.inbox.waiting().catch(() => -1));
      },
    });
    new Gauge({
      name: 'berth_outbox_pending',
      help: 'Committed jobs not yet dispatched to the queue.',
      registers: [registry],
      async collect() {
        this.set(await sources.outbox.pending().catch(() => -1));
      },
    });
    const admission = sources.admission;
    if (admission) {
      const waiting = () => admission.waiting().catch(() => undefined);
      new Gauge({
        name: 'berth_admission_queued',
        help: 'Environments queued for host memory (replicate waits for room), by Docker host.',
        labelNames: ['host'] as const,
        registers: [registry],
        async collect() {
          this.set({ host: admission.host }, (await waiting())?.length ?? -1);
        },
      });
      new Gauge({
        name: 'berth_admission_oldest_wait_seconds',
        help: 'How long the first environment in the host memory line has waited (0: none).',
        labelNames: ['host'] as const,
        registers: [registry],
        async collect() {
          const first = (await waiting())?.[0];
          const waited = first ? (Date.now() - first.queuedAt.getTime()) / 1000 : 0;
          this.set({ host: admission.host }, Math.max(0, Math.round(waited)));
        },
      });
    }
    const failures = new Counter({
      name: 'berth_job_attempt_failures_total',
      help: 'Failed job attempts, by job name (stage, sink).',
      labelNames: ['name'] as const,
      registers: [registry],
    });
    sources.worker?.on('failed', (job) => failures.inc({ name: job?.name ?? 'unknown' }));
    sources.reconcile?.register(registry);
    sources.cost?.register(registry);
    sources.ttl?.register(registry);
    sources.sleep?.register(registry);
    sources.disk?.register(registry);
  };
}
