import { describe, expect, it } from 'vitest';
import { freesCapacity, wakeQueued } from './admission-wake.js';

const wait = (environmentId: string, generation = 1) => ({
  environmentId,
  generation,
  neededBytes: 1,
  queuedAt: new Date(),
  seenAt: new Date(),
});

/** Delayed jobs by id; `promote` records the order and can fail (the job started meanwhile). */
function queueOf(jobs: Record<string, 'delayed' | 'active' | 'gone'>) {
  const promoted: string[] = [];
  return {
    promoted,
    async getJob(id: string) {
      const state = jobs[id];
      if (!state) return undefined;
      return {
        isDelayed: async () => state !== 'active',
        promote: async () => {
          if (state === 'gone') throw new Error('Job is not in the delayed state');
          promoted.push(id);
        },
      };
    },
  };
}

describe('freesCapacity', () => {
  it('is a finished teardown, or a replicate that left the line', () => {
    expect(freesCapacity('teardown', 'succeeded')).toBe(true);
    expect(freesCapacity('teardown', 'retrying')).toBe(false);
    expect(freesCapacity('replicate', 'failed')).toBe(true);
    expect(freesCapacity('replicate', 'superseded')).toBe(true);
    expect(freesCapacity('replicate', 'queued')).toBe(false);
    expect(freesCapacity('replicate', 'succeeded')).toBe(false);
    expect(freesCapacity('build', 'failed')).toBe(false);
  });
});

describe('wakeQueued', () => {
  it('promotes the delayed replicate job of every waiting environment, first in line first', async () => {
    const queue = queueOf({
      'env-a-1-replicate': 'delayed',
      'env-b-3-replicate': 'delayed',
      'env-c-1-replicate': 'active',
      'env-d-1-replicate': 'gone',
    });
    const line = [wait('env-a'), wait('env-b', 3), wait('env-c'), wait('env-d'), wait('env-e')];
    const woken = await wakeQueued(queue, { waiting: async () => line });
    expect(queue.promoted).toEqual(['env-a-1-replicate', 'env-b-3-replicate']);
    expect(woken).toBe(2);
  });
});
