import { describe, expect, it } from 'vitest';
import { LastAccessRecorder } from './last-access.js';

describe('LastAccessRecorder', () => {
  it('writes at most once per interval per environment, without waiting for the write', () => {
    const writes: Array<[string, number]> = [];
    let now = 0;
    const recorder = new LastAccessRecorder({
      write: (id, at) => {
        writes.push([id, at.getTime()]);
        return new Promise(() => undefined); // never settles: touch() must not care
      },
      intervalMs: 60_000,
      now: () => now,
    });
    recorder.touch('a');
    recorder.touch('a');
    recorder.touch('b');
    now = 59_999;
    recorder.touch('a');
    now = 60_000;
    recorder.touch('a');
    expect(writes).toEqual([
      ['a', 0],
      ['b', 0],
      ['a', 60_000],
    ]);
    void recorder.close();
  });

  it('counts every request: the first at once, the rest of the interval in one later write', async () => {
    const writes: Array<[string, number, number]> = [];
    let now = 0;
    const recorder = new LastAccessRecorder({
      write: async (id, at, count) => void writes.push([id, at.getTime(), count]),
      intervalMs: 60_000,
      now: () => now,
    });
    recorder.touch('a');
    for (const t of [10, 20, 30_000]) {
      now = t;
      recorder.touch('a');
    }
    expect(writes).toEqual([['a', 0, 1]]);
    now = 59_999;
    recorder.flush(); // not due yet
    expect(writes).toHaveLength(1);
    now = 60_000;
    recorder.flush(); // what the interval timer does
    expect(writes).toEqual([
      ['a', 0, 1],
      ['a', 30_000, 3],
    ]);
    recorder.flush(); // nothing new: no write
    expect(writes).toHaveLength(2);
    now = 61_000;
    recorder.touch('a');
    recorder.touch('b');
    await recorder.close(); // shutting down: what is left goes out now
    expect(writes).toEqual([
      ['a', 0, 1],
      ['a', 30_000, 3],
      ['b', 61_000, 1],
      ['a', 61_000, 1],
    ]);
  });

  it('reports a failed write instead of throwing', async () => {
    const errors: string[] = [];
    const recorder = new LastAccessRecorder({
      write: () => Promise.reject(new Error('db down')),
      onError: (error, id) => errors.push(`${id}: ${(error as Error).message}`),
    });
    recorder.touch('a');
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['a: db down']);
  });
});
