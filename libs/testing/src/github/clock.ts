// The emulator's clock. GitHub's timestamps (updated_at, created_at, closed_at, …) have
// one-second resolution and are written `2026-12-02T10:00:00Z`; two events in the same second
// carry the same value. Real time by default; tests can freeze it and step it to make two
// events share a second (or not) on purpose, instead of racing the wall clock.

/** `2026-12-02T10:00:00.123Z` → `2026-12-02T10:00:00Z`. */
export function wholeSecondIso(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export class EmulatorClock {
  /** Frozen time in ms, or undefined for real time. */
  private frozenAt: number | undefined;

  /** Now, as GitHub writes it. */
  now(): string {
    return wholeSecondIso(this.frozenAt ?? Date.now());
  }

  /** Freezes the clock at `at` (ISO-8601 or a Date); it moves only with `advance`. */
  set(at: string | Date): void {
    const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
    if (Number.isNaN(ms)) throw new Error(`emulator clock: "${String(at)}" is not a date`);
    this.frozenAt = ms;
  }

  /** Moves a frozen clock forward (freezing it at the current time first if it was real). */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`emulator clock: cannot advance by ${seconds} s`);
    this.frozenAt = (this.frozenAt ?? Date.now()) + seconds * 1000;
  }

  /** Back to the wall clock. */
  useRealTime(): void {
    this.frozenAt = undefined;
  }
}
