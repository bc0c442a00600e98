// The host memory queue: environments that do not fit wait in line, first come first served, and
// not forever. Pure: the caller reads the ledger and the waiting rows under the host's lock and
// writes what this decides (admit, keep waiting with a place in line, or give up).

import { admitMemory } from './memory-commitment.js';

/** ADMISSION_MAX_WAIT_S's default: how long an environment may wait for host memory (1 h). */
export const DEFAULT_ADMISSION_MAX_WAIT_S = 3600;

/**
 * A waiting environment whose own job has not looked for this long is taken as lost (its job is
 * gone or its worker is stuck): it holds nobody up. A live one looks at least every 30 s.
 */
export const ADMISSION_WAITER_STALE_MS = 10 * 60_000;

/** Another environment waiting for memory on the same host. Times in ms since the epoch. */
export interface AdmissionWaiter {
  environmentId: string;
  /** When it started waiting: its place in line. */
  queuedAt: number;
  /** When its job last looked. */
  seenAt: number;
  neededBytes: number;
}

export interface QueuedAdmissionInput {
  environmentId: string;
  /** Memory limits of the host's live containers of other environments (bytes). */
  committedBytes: number;
  /** The host's commitment (bytes). */
  capacityBytes: number;
  /** The sum of this environment's container memory limits (bytes). */
  neededBytes: number;
  /** When this environment (this generation) started waiting; null when this is its first look. */
  queuedAt: number | null;
  /** The other environments waiting on this host, in any order. */
  waiting: readonly AdmissionWaiter[];
  now: number;
  /** ADMISSION_MAX_WAIT_S in ms: waiting longer than this fails the environment. */
  maxWaitMs: number;
  staleAfterMs?: number;
}

export type QueuedAdmission =
  | { verdict: 'admitted'; waitedMs: number }
  | {
      verdict: 'queued';
      /** Its place in line (unchanged across looks of one generation). */
      queuedAt: number;
      /** 1 = first in line. */
      position: number;
      /** Never fits, however much is freed: more than the whole commitment. */
      exceedsCapacity: boolean;
      /** `queued: host memory committed X of Y MB, needs Z MB…`, naming what an operator can raise. */
      reason: string;
    }
  | { verdict: 'timed-out'; waitedMs: number; reason: string };

const MIB = 1024 * 1024;
const mb = (bytes: number): number => Math.ceil(bytes / MIB);

/** 45 s, 20 min, 90 min, 2.5 h: how an operator would write it. */
export function formatWait(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 2 * 3600) return `${Math.round(s / 60)} min`;
  const h = s / 3600;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}

/**
 * The waiters that go before this environment: queued earlier (ties by id), still looked after by
 * their job, not past their own deadline, and able to fit at all (one larger than the whole
 * commitment waits for an operator and must not block the line behind it).
 */
export function waitersAhead(input: QueuedAdmissionInput): AdmissionWaiter[] {
  const mine = input.queuedAt ?? input.now;
  const stale = input.staleAfterMs ?? ADMISSION_WAITER_STALE_MS;
  return input.waiting
    .filter(
      (w) =>
        w.environmentId !== input.environmentId &&
        (w.queuedAt < mine || (w.queuedAt === mine && w.environmentId < input.environmentId)) &&
        input.now - w.seenAt <= stale &&
        input.now - w.queuedAt < input.maxWaitMs &&
        w.neededBytes <= input.capacityBytes,
    )
    .sort((a, b) => a.queuedAt - b.queuedAt || a.environmentId.localeCompare(b.environmentId));
}

/**
 * First come, first served: an environment is admitted when what is committed, plus what every
 * environment ahead of it in line asks for, plus its own needs fit the commitment. So a later,
 * smaller preview never takes the room an earlier one is waiting for, yet when there is room for
 * all of them, nobody waits for the others' next look. Past `maxWaitMs` it gives up (the stage
 * fails, naming ADMISSION_MAX_WAIT_S); a new push queues it again at the back.
 */
export function queueAdmission(input: QueuedAdmissionInput): QueuedAdmission {
  const ahead = waitersAhead(input);
  const aheadBytes = ahead.reduce((sum, w) => sum + w.neededBytes, 0);
  const waitedMs = input.queuedAt === null ? 0 : Math.max(0, input.now - input.queuedAt);
  const fits = admitMemory({
    committedBytes: input.committedBytes + aheadBytes,
    capacityBytes: input.capacityBytes,
    neededBytes: input.neededBytes,
  });
  if (fits.admitted) return { verdict: 'admitted', waitedMs };

  const numbers =
    `host memory committed ${mb(input.committedBytes)} of ${mb(input.capacityBytes)} MB, ` +
    `needs ${mb(input.neededBytes)} MB` +
    (ahead.length > 0
      ? `, behind ${ahead.length} preview${ahead.length === 1 ? '' : 's'} queued before it ` +
        `(${mb(aheadBytes)} MB)`
      : '');
  const maxWait = `${formatWait(input.maxWaitMs)}, ADMISSION_MAX_WAIT_S`;
  if (input.queuedAt !== null && waitedMs >= input.maxWaitMs) {
    return {
      verdict: 'timed-out',
      waitedMs,
      reason:
        `gave up waiting for host memory after ${formatWait(waitedMs)} (at most ${maxWait}): ` +
        `${numbers}. A new push or the preview:rebuild label queues it again; an operator can ` +
        'raise HOST_MEMORY_COMMIT_MB, lower the repository ceilings (berth repo set --max-memory) ' +
        'or let previews wait longer (ADMISSION_MAX_WAIT_S)',
    };
  }
  const exceedsCapacity = !fits.admitted && fits.exceedsCapacity;
  return {
    verdict: 'queued',
    queuedAt: input.queuedAt ?? input.now,
    position: ahead.length + 1,
    exceedsCapacity,
    reason:
      `queued: ${numbers}; ` +
      (exceedsCapacity
        ? 'more than the whole commitment, so it waits until an operator raises ' +
          'HOST_MEMORY_COMMIT_MB or lowers the repository ceilings'
        : 'it starts when other previews free memory (closed or expired), or when an operator ' +
          'raises HOST_MEMORY_COMMIT_MB') +
      `; it gives up after ${maxWait}`,
  };
}
