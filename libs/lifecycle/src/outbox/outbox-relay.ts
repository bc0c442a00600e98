import type { Outbox } from '@berth/db';
import {
  jobOptionsFor,
  type LifecycleJobData,
  type LifecycleJobName,
  type LifecycleQueue,
} from '@berth/queue';
import type { Logger } from 'pino';
import { Pump } from '../shared/pump.js';

export interface OutboxRelayDeps {
  outbox: Outbox;
  queue: LifecycleQueue;
  /** Where `sink` jobs go (SINK_QUEUE); without it, `queue`. */
  sinkQueue?: LifecycleQueue;
  logger: Logger;
  pollMs?: number;
  batch?: number;
}

/**
 * Moves committed outbox rows onto the queue. Deterministic job ids make a second dispatch (a
 * crash between addBulk and the commit that marks the rows) collapse into the first job.
 */
export class OutboxRelay {
  private readonly pump: Pump;

  constructor(private readonly deps: OutboxRelayDeps) {
    this.pump = new Pump('outbox relay', () => this.drain(), deps.logger, deps.pollMs ?? 1_000);
  }

  start(): void {
    this.pump.start();
  }

  poke(): void {
    this.pump.poke();
  }

  stop(): Promise<void> {
    return this.pump.stop();
  }

  /** Dispatches until nothing is pending; returns how many jobs were dispatched. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.deps.outbox.relay(this.deps.batch ?? 500, async (entries) => {
        const jobs = entries.map((e) => {
          const name = e.name as LifecycleJobName;
          return {
            name,
            data: e.data as unknown as LifecycleJobData,
            opts: { jobId: e.jobId, ...jobOptionsFor(name) },
          };
        });
        const sinkQueue = this.deps.sinkQueue ?? this.deps.queue;
        const sinks = jobs.filter((j) => j.name === 'sink');
        const stages = jobs.filter((j) => j.name !== 'sink');
        // Both before the rows are marked: a crash in between re-dispatches, and the job ids
        // collapse the second copy.
        if (stages.length) await this.deps.queue.addBulk(stages);
        if (sinks.length) await sinkQueue.addBulk(sinks);
      });
      total += n;
      if (n === 0) return total;
    }
  }
}
