// Event-driven admission: when a stage frees host memory, the environments waiting in the host's
// line are woken at once instead of at their next look (2 s, doubling to 30 s). Each woken job
// decides under the host's lock whether it fits now (first come, first served), so waking one
// that still does not fit costs one look.

import { jobId } from '@berth/core';
import type { AdmissionWaitRow } from '@berth/db';
import type { LifecycleStage } from '@berth/queue';

/** The BullMQ job calls a wake needs (a LifecycleQueue's `getJob`). */
export interface WakeableQueue {
  getJob(
    id: string,
  ): Promise<{ isDelayed(): Promise<boolean>; promote(): Promise<void> } | undefined | null>;
}

/**
 * A stage that may have freed host memory: a finished teardown (its containers' rows are
 * deleted), or a replicate that failed or was superseded (a waiter gave up or left the line, so
 * the ones behind it move up).
 */
export function freesCapacity(stage: LifecycleStage, result: string): boolean {
  if (stage === 'teardown') return result === 'succeeded';
  return stage === 'replicate' && (result === 'failed' || result === 'superseded');
}

/**
 * Moves the delayed replicate jobs of the environments waiting for this host's memory to the
 * front, first in line first. Returns how many were woken.
 */
export async function wakeQueued(
  queue: WakeableQueue,
  ledger: { waiting(): Promise<AdmissionWaitRow[]> },
): Promise<number> {
  let woken = 0;
  for (const wait of await ledger.waiting()) {
    const job = await queue.getJob(jobId(wait.environmentId, wait.generation, 'replicate'));
    if (!job || !(await job.isDelayed())) continue;
    // It may have started between the two calls: then it is looking already.
    const promoted = await job.promote().then(
      () => true,
      () => false,
    );
    if (promoted) woken++;
  }
  return woken;
}
