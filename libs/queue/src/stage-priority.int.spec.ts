// On a real Redis: jobs dispatched with jobOptionsFor run depth first (teardown, then the stage
// nearest the end), and first come, first served within one stage.
import { randomBytes } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createLifecycleQueue,
  jobOptionsFor,
  type LifecycleJobName,
  type LifecycleQueue,
} from './lifecycle-queue.js';
import { closeRedis, createRedis } from './redis-connection.js';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `berth-test-${randomBytes(4).toString('hex')}`;
const producer = createRedis(url, 'stage-priority-producer');
const consumer = createRedis(url, 'stage-priority-consumer');
let queue: LifecycleQueue | undefined;

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await Promise.all([closeRedis(producer), closeRedis(consumer)]);
});

describe('stage priority', () => {
  it('runs teardown first, then the stage nearest the end, each stage in arrival order', async () => {
    queue = createLifecycleQueue(producer, prefix);
    // Arrival order: earliest stages first, as when many PRs open at once.
    const arrivals: [LifecycleJobName, string][] = [
      ['build', 'pr1'],
      ['build', 'pr2'],
      ['wire', 'pr3'],
      ['replicate', 'pr4'],
      ['build', 'pr5'],
      ['expose', 'pr6'],
      ['replicate', 'pr7'],
      ['teardown', 'pr8'],
    ];
    for (const [name, pr] of arrivals) {
      await queue.add(
        name,
        { environmentId: pr, generation: 1, stage: name === 'expose' ? 'expose' : 'build' },
        { jobId: `${pr}-${name}`, ...jobOptionsFor(name) },
      );
    }
    const order: string[] = [];
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const worker = new Worker(
      queue.name,
      async (job) => {
        order.push(`${job.name}:${(job.data as { environmentId: string }).environmentId}`);
        if (order.length === arrivals.length) finished();
      },
      { connection: consumer, prefix, concurrency: 1 },
    );
    await done;
    await worker.close();
    expect(order).toEqual([
      'teardown:pr8',
      'expose:pr6',
      'replicate:pr4',
      'replicate:pr7',
      'wire:pr3',
      'build:pr1',
      'build:pr2',
      'build:pr5',
    ]);
  });
});
