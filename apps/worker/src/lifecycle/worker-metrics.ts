import type { Outbox, WebhookInbox } from '@berth/db';
import type { LifecycleJobData, LifecycleJobName } from '@berth/queue';
import type { Worker } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface WorkerMetricSources {
  inbox: WebhookInbox;
  outbox: Outbox;
  /** Absent when this worker does not run stages (WORKER_ROLES). */
  worker: Worker<LifecycleJobData, unknown, LifecycleJobName> | undefined;
}

/**
 * What an operator alerts on: deliveries waiting in the inbox, jobs waiting in the outbox, and
 * failed job attempts by job name (a teardown failing again and again shows here, and in the
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
    const failures = new Counter({
      name: 'berth_job_attempt_failures_total',
      help: 'Failed job attempts, by job name (stage, sink).',
      labelNames: ['name'] as const,
      registers: [registry],
    });
    sources.worker?.on('failed', (job) => failures.inc({ name: job?.name ?? 'unknown' }));
  };
}
