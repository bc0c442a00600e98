// Fault injection: the next N calls of a Web API method fail (or answer slowly), the way Slack
// fails: 429 with `Retry-After`, or a 5xx.

/**
 * `'ratelimited'`: HTTP 429 `{ ok: false, error: 'ratelimited' }` with `Retry-After`; a number:
 * that 5xx status; `{ delayMs }`: the real answer, late.
 */
export type SlackFault = 'ratelimited' | number | { delayMs: number };

export interface SlackFaultOptions {
  /** Seconds in `Retry-After` for `'ratelimited'` (default 1). */
  retryAfterSeconds?: number;
  /** Wait this long before answering with the error (a slow failure). */
  delayMs?: number;
}

interface PendingFault {
  method: string;
  fault: SlackFault;
  remaining: number;
  options: SlackFaultOptions;
}

export interface SlackFaultDecision {
  fault: SlackFault;
  delayMs: number;
  retryAfterSeconds: number;
}

export class SlackFaultInjector {
  private pending: PendingFault[] = [];

  /**
   * The next `times` calls of `method` (`'chat.update'`, or `'*'` for any) get `fault`. `times`
   * may be `Infinity`.
   */
  add(method: string, fault: SlackFault, times = 1, options: SlackFaultOptions = {}): void {
    this.pending.push({ method, fault, remaining: times, options });
  }

  clear(): void {
    this.pending = [];
  }

  /** Injections still waiting (all methods, or one). */
  remaining(method?: string): number {
    return this.pending
      .filter((p) => method === undefined || p.method === method)
      .reduce((sum, p) => sum + p.remaining, 0);
  }

  /** Consumes one matching fault, first added first; synchronous, so racing calls each get one. */
  take(method: string): SlackFaultDecision | undefined {
    const entry = this.pending.find(
      (p) => p.remaining > 0 && (p.method === '*' || p.method === method),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.pending = this.pending.filter((p) => p.remaining > 0);
    return {
      fault: entry.fault,
      delayMs: typeof entry.fault === 'object' ? entry.fault.delayMs : (entry.options.delayMs ?? 0),
      retryAfterSeconds: entry.options.retryAfterSeconds ?? 1,
    };
  }
}
