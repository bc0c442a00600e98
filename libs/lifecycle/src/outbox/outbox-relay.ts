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
        await this.deps.queue.addBulk(
          entries.map((e) => {
            const name = e.name as LifecycleJobName;
            return {
              name,
              data: e.data as unknown as LifecycleJobData,
              opts: { jobId: e.jobId, ...jobOptionsFor(name) },
            };
          }),
        );
      });
      total += n;
      if (n === 0) return total;
    }
  }
}
