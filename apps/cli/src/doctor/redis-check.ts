import { checkRedis, closeRedis, createRedis } from '@berth/queue';
import type { CliEnv } from '../cli-context.js';
import { type CheckResult, fail, ok, reason, workerSetting } from './check.js';

/** REDIS_URL answers PING (the queues, the log relay and the rate limits live there). */
export async function checkRedisReachable(env: CliEnv): Promise<CheckResult> {
  let url: string;
  try {
    url = workerSetting(env, 'REDIS_URL');
  } catch (error) {
    return fail('redis', reason(error), 'set REDIS_URL=redis://host:6379');
  }
  const redis = createRedis(url, 'berth-doctor');
  try {
    await checkRedis(redis, 10_000);
    const { host, port } = redis.options;
    return ok('redis', `answers PING at ${host}:${port}`);
  } catch (error) {
    const message = reason(error);
    const at = message.indexOf(' Check that ');
    return fail(
      'redis',
      at < 0 ? message : message.slice(0, at),
      at < 0 ? 'start Redis, or fix REDIS_URL' : message.slice(at + 1),
    );
  } finally {
    await closeRedis(redis);
  }
}
