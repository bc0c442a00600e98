import { Redis } from 'ioredis';

// The last connection error per client: ioredis reports "Connection is closed." to callers,
// while the useful cause (ECONNREFUSED, auth failure) only reaches 'error' listeners.
const lastErrors = new WeakMap<Redis, Error>();

/**
 * One way to open Redis for the whole control plane. BullMQ requires
 * `maxRetriesPerRequest: null` on worker connections; the bounded connect timeout keeps
 * readiness probes from hanging when Redis is down.
 */
export function createRedis(url: string, connectionName: string): Redis {
  const redis = new Redis(url, {
    connectionName,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: 2_000,
    // Back off up to 2 s between reconnects; never give up (the process stays up, /readyz says why).
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  redis.on('error', (error: Error) => lastErrors.set(redis, error));
  redis.on('ready', () => lastErrors.delete(redis));
  return redis;
}

/** Readiness probe: PING within the timeout or a clear error naming the endpoint and the fix. */
export async function checkRedis(redis: Redis, timeoutMs = 1_500): Promise<void> {
  const { host, port } = redis.options;
  const where = `Redis at ${host}:${port}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to PING within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    if (redis.status === 'wait') await Promise.race([redis.connect(), timeout]);
    const reply = await Promise.race([redis.ping(), timeout]);
    if (reply !== 'PONG') throw new Error(`PING answered ${reply}`);
  } catch (error) {
    const cause = lastErrors.get(redis)?.message ?? (error as Error).message;
    throw new Error(
      `${where} is not answering (${cause}). Check that Redis is running (e.g. \`redis-server --daemonize yes\`) and that REDIS_URL is right.`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Close without waiting on a server that may never answer: QUIT only when connected. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await Promise.race([redis.quit(), new Promise((r) => setTimeout(r, 1_000))]);
  }
  redis.disconnect();
}
