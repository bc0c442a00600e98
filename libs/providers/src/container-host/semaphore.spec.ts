import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('never runs more than its capacity at once, and runs everything', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = async (i: number): Promise<number> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      return i;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => sem.run(() => task(i))));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(sem.inUse).toBe(0);
  });

  it('releases its slot when a task throws', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sem.run(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(sem.inUse).toBe(0);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Semaphore(0)).toThrow(/positive integer/);
  });
});
