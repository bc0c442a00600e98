import { BadRequestException } from '@nestjs/common';

// The admin routes that ask a worker for something (reconcile, resync, TTL extension) queue a
// job and wait a bounded while for its answer (`waitForJob` in @berth/queue): `?wait=` seconds,
// then 202 with what is known.

/** `?wait=`: whole seconds from 0 to 300, else the route's default. */
export function waitSeconds(wait: string | undefined, fallback: number): number {
  const seconds = wait === undefined ? fallback : Number(wait);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 300) {
    throw new BadRequestException('wait must be a whole number of seconds from 0 to 300');
  }
  return seconds;
}
