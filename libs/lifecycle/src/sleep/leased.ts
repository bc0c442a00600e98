// Sleep and wake act on an environment's containers, so they take the same lease a stage takes
// (environments.lease_token): never a stop during a replicate, never a start during a teardown,
// and a wake waits for a sleep still stopping containers. A wake is someone waiting at a browser,
// so it polls for the lease in short steps instead of going back to the queue.

import { randomUUID } from 'node:crypto';
import type { EnvironmentLeases } from '@berth/db';

export interface LeaseOptions {
  leases: EnvironmentLeases;
  /** Who holds it (shown in `environments.lease_owner`). */
  owner: string;
  ttlMs: number;
  /** How long to wait for another holder (a stage, a sleep) to let go. */
  waitMs: number;
  pollMs?: number;
}

/** Another stage, sleep or wake held the environment for the whole wait: try again later. */
export class EnvironmentBusyError extends Error {
  override readonly name = 'EnvironmentBusyError';
}

/**
 * Runs `fn` holding the environment's lease (renewed every third of its TTL), with the fencing
 * token the commands check; `lost()` says whether the lease lapsed meanwhile.
 */
export async function withLease<T>(
  environmentId: string,
  options: LeaseOptions,
  fn: (token: string, lost: () => boolean) => Promise<T>,
): Promise<T> {
  const { leases, owner, ttlMs, waitMs, pollMs = 200 } = options;
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  while (!(await leases.acquire(environmentId, owner, token, ttlMs))) {
    if (Date.now() >= deadline) {
      throw new EnvironmentBusyError(
        `environment ${environmentId} is busy (a stage, a sleep or a wake holds it): try again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  let lost = false;
  const heartbeat = setInterval(() => {
    leases.renew(environmentId, token, ttlMs).then(
      (held) => {
        if (!held) lost = true;
      },
      () => undefined, // the next beat tries again; the commands check the token anyway
    );
  }, ttlMs / 3);
  try {
    return await fn(token, () => lost);
  } finally {
    clearInterval(heartbeat);
    await leases.release(environmentId, token).catch(() => undefined);
  }
}
