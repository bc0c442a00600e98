import { describe, expect, it } from 'vitest';
import {
  type AdmissionWaiter,
  formatWait,
  type QueuedAdmissionInput,
  queueAdmission,
  waitersAhead,
} from './admission-queue.js';

const MIB = 1024 * 1024;
const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);

const base: QueuedAdmissionInput = {
  environmentId: 'env-b',
  committedBytes: 0,
  capacityBytes: 1000 * MIB,
  neededBytes: 300 * MIB,
  queuedAt: null,
  waiting: [],
  now: NOW,
  maxWaitMs: 60 * MIN,
};

const waiter = (id: string, queuedMinAgo: number, neededMb: number, seenMinAgo = 0) =>
  ({
    environmentId: id,
    queuedAt: NOW - queuedMinAgo * MIN,
    seenAt: NOW - seenMinAgo * MIN,
    neededBytes: neededMb * MIB,
  }) satisfies AdmissionWaiter;

describe('queueAdmission', () => {
  it('admits when it fits and nobody waits before it', () => {
    expect(queueAdmission({ ...base, committedBytes: 700 * MIB })).toEqual({
      verdict: 'admitted',
      waitedMs: 0,
    });
  });

  it('queues with the numbers and the settings an operator can raise', () => {
    const verdict = queueAdmission({ ...base, committedBytes: 800 * MIB });
    expect(verdict).toMatchObject({ verdict: 'queued', queuedAt: NOW, position: 1 });
    expect(verdict.verdict === 'queued' && verdict.reason).toBe(
      'queued: host memory committed 800 of 1000 MB, needs 300 MB; it starts when other ' +
        'previews free memory (closed or expired), or when an operator raises ' +
        'HOST_MEMORY_COMMIT_MB; it gives up after 60 min, ADMISSION_MAX_WAIT_S',
    );
  });

  it('keeps its place in line across looks', () => {
    const queuedAt = NOW - 5 * MIN;
    const verdict = queueAdmission({ ...base, committedBytes: 800 * MIB, queuedAt });
    expect(verdict).toMatchObject({ verdict: 'queued', queuedAt });
  });

  it('does not let a later environment take the room an earlier one waits for (FIFO)', () => {
    // 500 MB free: B (300 MB) would fit alone, but A (400 MB) queued first and is owed its room.
    const input = { ...base, committedBytes: 500 * MIB, waiting: [waiter('env-a', 3, 400)] };
    const verdict = queueAdmission(input);
    expect(verdict).toMatchObject({ verdict: 'queued', position: 2 });
    expect(verdict.verdict === 'queued' && verdict.reason).toContain(
      'needs 300 MB, behind 1 preview queued before it (400 MB);',
    );
  });

  it('admits a later environment when there is room for everyone ahead of it too', () => {
    const input = { ...base, committedBytes: 200 * MIB, waiting: [waiter('env-a', 3, 400)] };
    expect(queueAdmission(input).verdict).toBe('admitted');
  });

  it('is not held up by environments queued after it', () => {
    const input = {
      ...base,
      committedBytes: 500 * MIB,
      queuedAt: NOW - 10 * MIN,
      waiting: [waiter('env-c', 2, 400)],
    };
    expect(queueAdmission(input)).toEqual({ verdict: 'admitted', waitedMs: 10 * MIN });
  });

  it('orders waiters by when they queued, ties by id', () => {
    const input = {
      ...base,
      environmentId: 'env-m',
      queuedAt: NOW - 5 * MIN,
      waiting: [
        waiter('env-z', 5, 10),
        waiter('env-a', 5, 10),
        waiter('env-b', 9, 10),
        waiter('env-later', 1, 10),
      ],
    };
    expect(waitersAhead(input).map((w) => w.environmentId)).toEqual(['env-b', 'env-a']);
  });

  it('is not held up by a waiter that can never fit, one whose job is lost, or one past its deadline', () => {
    const input = {
      ...base,
      committedBytes: 500 * MIB,
      waiting: [
        waiter('env-huge', 30, 2000),
        waiter('env-lost', 30, 400, 11),
        waiter('env-expired', 61, 400),
      ],
    };
    expect(waitersAhead(input)).toEqual([]);
    expect(queueAdmission(input).verdict).toBe('admitted');
  });

  it('says when an environment is larger than the whole commitment', () => {
    const verdict = queueAdmission({ ...base, neededBytes: 2000 * MIB });
    expect(verdict).toMatchObject({ verdict: 'queued', exceedsCapacity: true });
    expect(verdict.verdict === 'queued' && verdict.reason).toContain(
      'more than the whole commitment, so it waits until an operator raises HOST_MEMORY_COMMIT_MB',
    );
  });

  it('gives up once it has waited ADMISSION_MAX_WAIT_S, naming the setting and how to retry', () => {
    const verdict = queueAdmission({
      ...base,
      committedBytes: 800 * MIB,
      queuedAt: NOW - 60 * MIN,
    });
    expect(verdict).toMatchObject({ verdict: 'timed-out', waitedMs: 60 * MIN });
    const reason = verdict.verdict === 'timed-out' ? verdict.reason : '';
    expect(reason).toMatch(
      /^gave up waiting for host memory after 60 min \(at most 60 min, ADMISSION_MAX_WAIT_S\): host memory committed 800 of 1000 MB, needs 300 MB\./,
    );
    expect(reason).toContain('A new push or the preview:rebuild label queues it again');
    expect(reason).toContain('HOST_MEMORY_COMMIT_MB');
  });

  it('still admits at its deadline when the room has come', () => {
    expect(queueAdmission({ ...base, queuedAt: NOW - 90 * MIN }).verdict).toBe('admitted');
  });

  it('never gives up on its first look, however small the limit', () => {
    const verdict = queueAdmission({ ...base, committedBytes: 800 * MIB, maxWaitMs: 1 });
    expect(verdict.verdict).toBe('queued');
  });
});

describe('formatWait', () => {
  it('writes waits the way an operator would', () => {
    expect(formatWait(45_000)).toBe('45 s');
    expect(formatWait(20 * MIN)).toBe('20 min');
    expect(formatWait(60 * MIN)).toBe('60 min');
    expect(formatWait(90 * MIN)).toBe('90 min');
    expect(formatWait(120 * MIN)).toBe('2 h');
    expect(formatWait(150 * MIN)).toBe('2.5 h');
  });
});
