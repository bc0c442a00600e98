import { BadRequestException } from '@nestjs/common';

// The admin routes that ask a worker for something (reconcile, resync, TTL extension) queue a
// job and wait a bounded while for its answer: `?wait=` seconds, then 202 with what is known.

/** `?wait=`: whole seconds from 0 to 300, else the route's default. */
export function waitSeconds(wait: string | undefined, fallback: number): number {
  const seconds = wait === undefined ? fallback : Number(wait);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 300) {
    throw new BadRequestException('wait must be a whole number of seconds from 0 to 300');
  }
  return seconds;
}

/**
 * Reads until `done` says the answer is final or `seconds` pass; returns the last read and
 * whether it was final (not final: the caller answers 202).
 */
export async function pollJob<T>(
  read: () => Promise<T | undefined>,
  done: (value: T) => boolean,
  seconds: number,
  pollMs: number,
): Promise<{ value: T | undefined; final: boolean }> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (value !== undefined && done(value)) return { value, final: true };
    if (Date.now() >= deadline) return { value, final: false };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
