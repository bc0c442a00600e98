// On a real Redis: an answer read through readJob/waitForJob is never a `completed` job without
// its return value, the race that made the action routes answer 500 (and CI red on stop 22).
import { randomBytes } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { readJob, waitForJob } from './job-outcome.js';
import { closeRedis, createRedis } from './redis-connection.js';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `berth-test-${randomBytes(4).toString('hex')}`;
const producer = createRedis(url, 'job-outcome-producer');
const consumer = createRedis(url, 'job-outcome-consumer');
const queue = new Queue<{ n: number }, unknown, 'double'>('job-outcome', {
  connection: producer,
  prefix,
});
type DoubleWorker = Worker<{ n: number }, { doubled: number }, 'double'>;
let worker: DoubleWorker | undefined;

afterAll(async () => {
  await worker?.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await Promise.all([closeRedis(producer), closeRedis(consumer)]);
});

function startWorker(): DoubleWorker {
  return new Worker<{ n: number }, { doubled: number }, 'double'>(
    queue.name,
    async (job) => {
      if (job.data.n < 0) throw new Error(`cannot double ${job.data.n}`);
      return { doubled: job.data.n * 2 };
    },
    { connection: consumer, prefix, concurrency: 4 },
  );
}

describe('reading a job and its answer', () => {
  it('the job read before its state is completed without an answer: why the order matters', async () => {
    const added = await queue.add('double', { n: 1 });
    const early = await Job.fromId(queue, added.id ?? '');
    worker = startWorker();
    await waitForJob(queue, added.id ?? '', 30, 10);
    expect(await early?.getState()).toBe('completed');
    expect(early?.returnvalue).toBeNull();
    expect((await readJob(queue, added.id ?? ''))?.job.returnvalue).toEqual({ doubled: 2 });
  });

  it('never reads completed without the answer while 200 jobs finish under it', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 200 }, (_, n) => queue.add('double', { n })),
    );
    const seen = new Set<string>();
    while (seen.size < jobs.length) {
      const reads = await Promise.all(jobs.map((job) => readJob(queue, job.id ?? '')));
      for (const [n, outcome] of reads.entries()) {
        if (outcome?.state !== 'completed') continue;
        expect(outcome.job.returnvalue).toEqual({ doubled: n * 2 });
        seen.add(outcome.job.id ?? '');
      }
    }
  });

  it('waitForJob: final on failure, not final when the wait runs out, nothing for no job', async () => {
    const failing = await queue.add('double', { n: -1 });
    const failed = await waitForJob(queue, failing.id ?? '', 30, 10);
    expect(failed.final).toBe(true);
    expect(failed.outcome?.state).toBe('failed');
    expect(failed.outcome?.job.failedReason).toBe('cannot double -1');

    await worker?.pause();
    const parked = await queue.add('double', { n: 3 });
    const early = await waitForJob(queue, parked.id ?? '', 0, 10);
    expect(early).toMatchObject({ final: false, outcome: { state: 'waiting' } });
    worker?.resume();

    expect(await waitForJob(queue, 'no-such-job', 0, 10)).toEqual({
      outcome: undefined,
      final: false,
    });
  });
});
