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
