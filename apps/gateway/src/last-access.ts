export interface LastAccessOptions {
  /**
   * Persists the newest access and how many requests came since the last write; called at most
   * once per interval per environment, never awaited by a request.
   */
  write: (environmentId: string, at: Date, count: number) => Promise<void>;
  onError?: (error: unknown, environmentId: string) => void;
  intervalMs?: number;
  now?: () => number;
}

interface Pending {
  count: number;
  at: number;
}

/**
 * Access telemetry ("did anyone open this preview?", decision 0024) off the hot path: a request
 * only bumps a counter in memory. The first request of an interval is written at once (idle
 * detection sees it without delay); the rest of that interval's requests go out in one write
 * when it ends. One write per interval per environment per gateway, whatever the traffic.
 */
export class LastAccessRecorder {
  private readonly lastWrite = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly options: LastAccessOptions) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  touch(environmentId: string): void {
    const now = this.now();
    const pending = this.pending.get(environmentId);
    if (pending) {
      pending.count += 1;
      pending.at = now;
    } else {
      this.pending.set(environmentId, { count: 1, at: now });
    }
    const last = this.lastWrite.get(environmentId);
    if (last === undefined || now - last >= this.intervalMs) {
      this.write(environmentId, now);
      if (this.lastWrite.size > 10_000) this.forgetOlderThan(now - this.intervalMs);
    } else {
      this.schedule();
    }
  }

  /** Writes what is due (each environment's interval has passed), or everything with `all`. */
  flush(all = false): void {
    const now = this.now();
    for (const environmentId of [...this.pending.keys()]) {
      const last = this.lastWrite.get(environmentId);
      if (all || last === undefined || now - last >= this.intervalMs) {
        this.write(environmentId, now);
      }
    }
    if (this.pending.size > 0 && !all) this.schedule();
  }

  /**
   * Stops the timer and writes what is left (a gateway shutting down loses no count); resolves
   * once the writes in flight have settled.
   */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush(true);
    await Promise.allSettled([...this.inflight]);
  }

  private write(environmentId: string, now: number): void {
    const pending = this.pending.get(environmentId);
    if (!pending) return;
    this.pending.delete(environmentId);
    this.lastWrite.set(environmentId, now);
    const written = this.options
      .write(environmentId, new Date(pending.at), pending.count)
      .catch((error: unknown) => this.options.onError?.(error, environmentId))
      .finally(() => this.inflight.delete(written));
    this.inflight.add(written);
  }

  private schedule(): void {
    if (this.timer) return;
    // One timer for every environment; unref'd, so it never holds the process open.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [id, at] of this.lastWrite) {
      if (at < cutoff && !this.pending.has(id)) this.lastWrite.delete(id);
    }
  }
}
