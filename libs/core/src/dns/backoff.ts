// Retry waits for rate-limited APIs: exponential growth with "full jitter" (AWS Architecture
// Blog, "Exponential Backoff and Jitter"), so many clients throttled at once spread out instead
// of retrying in lockstep.

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/** The longest wait before retry number `retry` (0 for the first): min(cap, base · 2^retry). */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry));
}

/** A uniformly random wait in [0, ceiling). `random` is injectable for tests. */
export function fullJitterBackoff(
  retry: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(retry, policy));
}
