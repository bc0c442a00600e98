export interface LastAccessOptions {
  /** Persists the time; called at most once per interval per environment, never awaited. */
  write: (environmentId: string, at: Date) => Promise<void>;
  onError?: (error: unknown, environmentId: string) => void;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Access telemetry ("did anyone open this preview?") off the hot path: the request never waits
 * for the write, and one environment is written at most once per interval per gateway.
 */
export class LastAccessRecorder {
  private readonly lastWrite = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LastAccessOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  touch(environmentId: string): void {
    const now = this.now();
    const last = this.lastWrite.get(environmentId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.lastWrite.set(environmentId, now);
    if (this.lastWrite.size > 10_000) this.forgetOlderThan(now - this.intervalMs);
    this.options.write(environmentId, new Date(now)).catch((error: unknown) => {
      this.options.onError?.(error, environmentId);
    });
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [id, at] of this.lastWrite) if (at < cutoff) this.lastWrite.delete(id);
  }
}
