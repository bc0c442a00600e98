import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the key only while it still holds our token (a lock that expired is someone else's). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A short mutual-exclusion lock in Redis (SET NX PX), for work that must not overlap. */
export interface ShortLock {
  /** A token when taken, undefined when someone else holds it. */
  acquire(key: string, ttlMs: number): Promise<string | undefined>;
  release(key: string, token: string): Promise<void>;
}

export function redisLock(redis: Redis, prefix: string): ShortLock {
  return {
    async acquire(key, ttlMs) {
      const token = randomUUID();
      const ok = await redis.set(`${prefix}:lock:${key}`, token, 'PX', ttlMs, 'NX');
      return ok === 'OK' ? token : undefined;
    },
    async release(key, token) {
      await redis.eval(RELEASE, 1, `${prefix}:lock:${key}`, token);
    },
  };
}
