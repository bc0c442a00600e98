// Fault injection shared by the AWS emulators: the next N calls of an operation fail (or answer
// slowly). Each emulator turns a fault into its own service's wire error.

/**
 * `'throttle'`: the service's throttling error; a number: a 5xx (500 InternalFailure, 503
 * ServiceUnavailable, …); `{ delayMs }`: the real answer, late. `Extra` adds service-specific kinds.
 */
export type AwsFault<Extra extends string = never> =
  'throttle' | Extra | number | { delayMs: number };

export interface AwsFaultOptions {
  /** Wait this long before answering with the error (a slow failure). */
  delayMs?: number;
}

export interface FaultDecision<Extra extends string = never> {
  fault: AwsFault<Extra>;
  delayMs: number;
}

interface PendingFault<Extra extends string> {
  operation: string;
  fault: AwsFault<Extra>;
  remaining: number;
  options: AwsFaultOptions;
}

export class AwsFaultInjector<Extra extends string = never> {
  private pending: PendingFault<Extra>[] = [];

  /**
   * The next `times` calls of `operation` (the API name, e.g. `'ChangeResourceRecordSets'`, or
   * `'*'` for any) get `fault`. `times` may be `Infinity`.
   */
  add(operation: string, fault: AwsFault<Extra>, times = 1, options: AwsFaultOptions = {}): void {
    this.pending.push({ operation, fault, remaining: times, options });
  }

  clear(): void {
    this.pending = [];
  }

  /** How many injections are still waiting (all operations, or one). */
  remaining(operation?: string): number {
    return this.pending
      .filter((p) => operation === undefined || p.operation === operation)
      .reduce((sum, p) => sum + p.remaining, 0);
  }

  /** Consumes one matching fault, first added first. Synchronous, so concurrent calls each get their own. */
  take(operation: string): FaultDecision<Extra> | undefined {
    const entry = this.pending.find(
      (p) => p.remaining > 0 && (p.operation === '*' || p.operation === operation),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    this.pending = this.pending.filter((p) => p.remaining > 0);
    const delayMs =
      typeof entry.fault === 'object' ? entry.fault.delayMs : (entry.options.delayMs ?? 0);
    return { fault: entry.fault, delayMs };
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
