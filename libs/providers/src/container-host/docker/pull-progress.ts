// Turns the engine's per-layer pull events into one summary line now and then: a 2 GB image
// streams thousands of "Downloading" events, and the worker log needs a handful.

export interface PullEvent {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

const DONE = new Set(['Pull complete', 'Already exists']);

export class PullProgress {
  private readonly layers = new Map<string, { current: number; total: number; done: boolean }>();
  private lastEmit = 0;

  constructor(
    private readonly image: string,
    private readonly emit: ((line: string) => void) | undefined,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lastEmit = now();
  }

  push(event: PullEvent): void {
    const id = event.id;
    if (id && event.status && !event.status.startsWith('Pulling from')) {
      const layer = this.layers.get(id) ?? { current: 0, total: 0, done: false };
      if (event.status === 'Downloading' && event.progressDetail?.total) {
        layer.current = event.progressDetail.current ?? layer.current;
        layer.total = event.progressDetail.total;
      }
      if (DONE.has(event.status)) {
        layer.done = true;
        layer.current = layer.total;
      }
      this.layers.set(id, layer);
    }
    const t = this.now();
    if (this.emit && t - this.lastEmit >= this.intervalMs) {
      this.lastEmit = t;
      this.emit(this.summary());
    }
  }

  summary(): string {
    const layers = [...this.layers.values()];
    const done = layers.filter((l) => l.done).length;
    const current = layers.reduce((sum, l) => sum + l.current, 0);
    const total = layers.reduce((sum, l) => sum + l.total, 0);
    const bytes = total ? `, ${mb(current)} of ${mb(total)} downloaded` : '';
    return `pulling ${this.image}: ${done}/${layers.length} layers done${bytes}`;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
