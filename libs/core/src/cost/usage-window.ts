// Cost telemetry (docs/decisions/0025-cost-telemetry.md): what one container used between two
// readings of Docker's counters. The engine's counters are cumulative since the container's
// current run began, so the sum of the windows telescopes to "last reading − first reading",
// whatever the sampling interval: a missed pass loses nothing of CPU or network.

/** One reading of a running container's counters (Docker stats + inspect). Times in ms. */
export interface ContainerReading {
  /** When this run of the container started (State.StartedAt): a new value is a restart. */
  startedAt: number;
  /** When the engine read the counters. */
  readAt: number;
  /** CPU time used since the run started, in nanoseconds (cpu_stats.cpu_usage.total_usage). */
  cpuNs: number;
  /** Memory in use now, as `docker stats` shows it (usage minus inactive page cache). */
  memoryBytes: number;
  /** Bytes received plus sent on every interface since the run started. */
  networkBytes: number;
}

/** The previous reading the sampler kept (the cursor): the baseline of the next window. */
export type ContainerBaseline = ContainerReading;

/** Why a window starts where it does. */
export type WindowBasis =
  /** The same run as the baseline: deltas of the counters. */
  | 'continued'
  /** No baseline: the run is counted from its start (its counters are all since then). */
  | 'first'
  /** The container was started again since the baseline: counted from the new start. */
  | 'restarted';

/** What one container used in one window. */
export interface UsageWindow {
  /** ms */
  from: number;
  /** ms */
  to: number;
  basis: WindowBasis;
  cpuSeconds: number;
  /** Memory in use integrated over the window (bytes × seconds). */
  memoryByteSeconds: number;
  networkBytes: number;
  /** Seconds the container ran in the window. */
  runningSeconds: number;
}

/**
 * The window from `baseline` to `reading`, or null when the reading is not newer than the
 * baseline (a late or repeated reading: nothing to count, and the cursor must not go back).
 *
 * - Same run: CPU and network are the counters' deltas; memory is the mean of the two readings
 *   times the elapsed time (a trapezoid: usage between readings is not known better).
 * - No baseline, or a restart (a new `startedAt`): every counter is since the run's start, so
 *   the window starts there and counts them whole; memory is the reading times the run's age.
 *   The tail of an earlier run after its last reading is lost (at most one interval).
 * - A counter lower than its baseline in the same run was reset: the reading itself is what
 *   accumulated since (Prometheus' counter-reset rule), never a negative amount.
 */
export function containerWindow(
  baseline: ContainerBaseline | null,
  reading: ContainerReading,
): UsageWindow | null {
  if (baseline !== null && reading.readAt <= baseline.readAt) return null;
  if (baseline === null || baseline.startedAt !== reading.startedAt) {
    // A start after the reading (clock skew) or unknown: nothing elapsed that can be priced.
    const from =
      reading.startedAt > 0 ? Math.min(reading.startedAt, reading.readAt) : reading.readAt;
    const seconds = (reading.readAt - from) / 1000;
    return {
      from,
      to: reading.readAt,
      basis: baseline === null ? 'first' : 'restarted',
      cpuSeconds: nonNegative(reading.cpuNs) / 1e9,
      memoryByteSeconds: nonNegative(reading.memoryBytes) * seconds,
      networkBytes: nonNegative(reading.networkBytes),
      runningSeconds: seconds,
    };
  }
  const seconds = (reading.readAt - baseline.readAt) / 1000;
  const meanMemory = (nonNegative(baseline.memoryBytes) + nonNegative(reading.memoryBytes)) / 2;
  return {
    from: baseline.readAt,
    to: reading.readAt,
    basis: 'continued',
    cpuSeconds: counterDelta(baseline.cpuNs, reading.cpuNs) / 1e9,
    memoryByteSeconds: meanMemory * seconds,
    networkBytes: counterDelta(baseline.networkBytes, reading.networkBytes),
    runningSeconds: seconds,
  };
}

/** A cumulative counter's growth; a drop means it was reset, and the reading is all since. */
export function counterDelta(previous: number, current: number): number {
  const now = nonNegative(current);
  return now >= previous ? now - nonNegative(previous) : now;
}

function nonNegative(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** One UTC day's share of a time span. */
export interface DayShare {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Of the span, 0 < fraction ≤ 1; the fractions of one span sum to 1. */
  fraction: number;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time (UTC). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * How a span divides between UTC days, in proportion to its time on each: a window over
 * midnight is priced on both days. An empty span belongs wholly to the day of its end.
 */
export function splitByUtcDay(from: number, to: number): DayShare[] {
  if (!(to > from)) return [{ day: utcDay(to), fraction: 1 }];
  const total = to - from;
  const shares: DayShare[] = [];
  let start = from;
  while (start < to) {
    const nextMidnight = (Math.floor(start / DAY_MS) + 1) * DAY_MS;
    const end = Math.min(nextMidnight, to);
    shares.push({ day: utcDay(start), fraction: (end - start) / total });
    start = end;
  }
  return shares;
}
