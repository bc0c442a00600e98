// Fault injection: the next N requests matching a pattern get an error instead of the real
// answer. Rate limits carry the headers GitHub sends so clients' throttling logic can react.
import { GitHubHttpError } from './http-util.js';
import { compilePattern, type PathPattern } from './route-match.js';

export type Fault = number | 'rate-limit' | 'secondary-rate-limit';

export interface FaultOptions {
  /** Only requests with this method (default: any). */
  method?: string;
  /** Seconds for `retry-after` / `x-ratelimit-reset` (default 1, keeps retries fast in tests). */
  retryAfterSeconds?: number;
}

interface PendingFault {
  pattern: PathPattern;
  fault: Fault;
  remaining: number;
  options: FaultOptions;
}

export class FaultInjector {
  private pending: PendingFault[] = [];

  /**
   * `pattern` uses route syntax (`/repos/:owner/:repo/issues/*\/comments`, `**` for the rest)
   * and may start with a method: `'POST /repos/:o/:r/statuses/:sha'`.
   */
  add(pattern: string, fault: Fault, times = 1, options: FaultOptions = {}): void {
    const methodMatch = /^([A-Z]+)\s+(\/.*)$/.exec(pattern.trim());
    const method = options.method ?? methodMatch?.[1];
    const path = methodMatch?.[2] ?? pattern.trim();
    this.pending.push({
      pattern: compilePattern(path),
      fault,
      remaining: times,
      options: { ...options, ...(method ? { method } : {}) },
    });
  }

  clear(): void {
    this.pending = [];
  }

  /** Consumes one matching fault and returns the error to answer with, if any. */
  take(
    method: string,
    path: string,
    installationId: number | undefined,
  ): GitHubHttpError | undefined {
    const entry = this.pending.find(
      (p) =>
        p.remaining > 0 &&
        (!p.options.method || p.options.method.toUpperCase() === method.toUpperCase()) &&
        p.pattern.match(path) !== undefined,
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.pending = this.pending.filter((p) => p.remaining > 0);
    return toError(entry.fault, entry.options.retryAfterSeconds ?? 1, installationId);
  }
}

function toError(
  fault: Fault,
  retryAfter: number,
  installationId: number | undefined,
): GitHubHttpError {
  const reset = String(Math.ceil(Date.now() / 1000) + retryAfter);
  if (fault === 'rate-limit') {
    return new GitHubHttpError(
      403,
      `API rate limit exceeded for installation ID ${installationId ?? 0}.`,
      {},
      {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': reset,
        'retry-after': String(retryAfter),
      },
    );
  }
  if (fault === 'secondary-rate-limit') {
    return new GitHubHttpError(
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      {},
      { 'retry-after': String(retryAfter) },
    );
  }
  if (fault === 429) {
    // GitHub answers some secondary limits with 429 and a retry-after, nothing else.
    return new GitHubHttpError(429, 'Too Many Requests', {}, { 'retry-after': String(retryAfter) });
  }
  const messages: Record<number, string> = {
    500: 'Server Error',
    502: 'Server Error',
    503: 'Service Unavailable',
    401: 'Bad credentials',
    403: 'Resource not accessible by integration',
    404: 'Not Found',
    409: 'Conflict',
    422: 'Validation Failed',
  };
  return new GitHubHttpError(fault, messages[fault] ?? 'Server Error');
}
