import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { actionQueueName } from './action-queue.js';
import { costQueueName } from './cost-queue.js';
import { LIFECYCLE_QUEUE, SINK_QUEUE } from './lifecycle-queue.js';
import { maintenanceQueueName } from './maintenance-queue.js';
import { RESYNC_QUEUE } from './resync-queue.js';
import { sleepQueueName } from './sleep-queue.js';
import { ttlQueueName } from './ttl-queue.js';

// Queue depth and failed jobs for operators (decision 0031, `GET /api/v1/system`): read from
// Redis through BullMQ, so the api reports the queues without running a worker or opening
// Docker.

/** Every queue Berth uses: the shared ones, then each Docker host's. */
export function berthQueueNames(dockerHosts: readonly string[]): string[] {
  const perHost = [
    actionQueueName,
    ttlQueueName,
    sleepQueueName,
    costQueueName,
    maintenanceQueueName,
  ];
  return [
    LIFECYCLE_QUEUE,
    SINK_QUEUE,
    RESYNC_QUEUE,
    ...dockerHosts.flatMap((host) => perHost.map((name) => name(host))),
  ];
}

export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  prioritized: number;
}

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  /** `environmentId` of the job's data when it has one (every environment job does). */
  environmentId: string | null;
  /** As BullMQ stored it: the caller redacts before showing it. */
  failedReason: string;
  attemptsMade: number;
  failedAt: Date | null;
}

/**
 * Read-only handles on queues by name, opened on first use and closed together. Opening a
 * BullMQ Queue creates nothing in Redis, so asking about a queue no worker uses costs nothing.
 */
export class QueueInspector {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  async depth(name: string): Promise<QueueDepth> {
    const counts = await this.queue(name).getJobCounts(
      'waiting',
      'active',
      'delayed',
      'failed',
      'prioritized',
    );
    return {
      queue: name,
      waiting: counts['waiting'] ?? 0,
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      failed: counts['failed'] ?? 0,
      prioritized: counts['prioritized'] ?? 0,
    };
  }

  /** The newest failed jobs of a queue, at most `limit`. */
  async failed(name: string, limit: number): Promise<FailedJob[]> {
    const jobs = await this.queue(name).getFailed(0, Math.max(0, limit - 1));
    return jobs
      .filter((job) => job !== undefined)
      .map((job) => {
        const data = (job.data ?? {}) as { environmentId?: unknown };
        return {
          queue: name,
          id: job.id ?? '',
          name: job.name,
          environmentId: typeof data.environmentId === 'string' ? data.environmentId : null,
          failedReason: job.failedReason ?? '',
          attemptsMade: job.attemptsMade,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        };
      });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}
