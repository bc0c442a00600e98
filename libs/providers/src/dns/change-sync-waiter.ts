// Waits for a Route 53 change to propagate to every authoritative server (GetChange: PENDING →
// INSYNC, usually within a minute). Callers whose changes went out in the same batch share the
// change id, so they share one polling loop: GetChange counts against the rate limit too.
import { type BackoffPolicy, fullJitterBackoff } from '@berth/core';
import { sleep } from './route53-retry.js';

export interface ChangeSyncWaiterOptions {
  /** GetChange's status for the id (retries included). */
  status(changeId: string): Promise<string | undefined>;
  /** Polls wait at least `baseMs`, growing with jitter up to `capMs`. */
  poll: BackoffPolicy;
  timeoutMs: number;
}

export class ChangeSyncWaiter {
  private readonly waits = new Map<string, Promise<void>>();

  constructor(private readonly options: ChangeSyncWaiterOptions) {}

  wait(changeId: string): Promise<void> {
    const existing = this.waits.get(changeId);
    if (existing) return existing;
    const wait = this.poll(changeId).finally(() => this.waits.delete(changeId));
    this.waits.set(changeId, wait);
    return wait;
  }

  private async poll(changeId: string): Promise<void> {
    const { poll, timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; ; round += 1) {
      const status = await this.options.status(changeId);
      if (status === 'INSYNC') return;
      const waitMs = Math.max(poll.baseMs, fullJitterBackoff(round, poll));
      if (Date.now() + waitMs > deadline) {
        throw new Error(
          `Route 53 change ${changeId} is still ${status ?? 'unknown'} after ${timeoutMs} ms; it usually propagates within a minute, so check Route 53's status page`,
        );
      }
      await sleep(waitMs);
    }
  }
}
