// Which Route 53 failures are worth another try, and the retry loop around every API call.
// Route 53's rate limit is per account (5 requests/s documented), shared with every other tool
// using it, so throttling is expected, not exceptional.
import { type BackoffPolicy, fullJitterBackoff } from '@berth/core';

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

/** ~12 attempts over about half a minute on average (a minute at worst) before giving up. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 12,
  baseMs: 200,
  capMs: 10_000,
};

const RETRYABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  // Another change to the zone is still being applied: Route 53 takes them one at a time.
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Socket-level failures: the request may not have reached Route 53 at all. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface AwsLikeError {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function isRetryableRoute53Error(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  if (e.name === 'AbortError') return false;
  if (typeof e.name === 'string' && RETRYABLE_CODES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (e.$fault === 'server') return true;
  // The SDK marks errors its own retry strategy would retry (throttling traits).
  return e.$retryable !== undefined && e.$retryable !== null;
}

/**
 * Route 53 refused what the batch asked for (not how it was sent): splitting the batch finds
 * whose change it was.
 */
export function isBatchRejection(error: unknown): error is Error {
  return (
    error instanceof Error && (error.name === 'InvalidChangeBatch' || error.name === 'InvalidInput')
  );
}

export interface RetryNotice {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  error: unknown;
  waitMs: number;
}

export async function withRetries<T>(
  task: () => Promise<T>,
  policy: Readonly<RetryPolicy>,
  onRetry?: (notice: RetryNotice) => void,
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryableRoute53Error(error)) throw error;
      const waitMs = fullJitterBackoff(attempt - 1, policy, random);
      onRetry?.({ attempt, error, waitMs });
      await sleep(waitMs);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
