import { Redis } from 'ioredis';

/**
 * One way to open Redis for the whole control plane. BullMQ requires
 * `maxRetriesPerRequest: null` on worker connections; the bounded connect timeout keeps
 * readiness probes from hanging when Redis is down.
 */
export function createRedis(url: string, connectionName: string): Redis {
  return new Redis(url, {
    connectionName,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectTimeout: 2_000,
    enableOfflineQueue: true,
    // Back off up to 2 s between reconnects; never give up (the process stays up, /readyz says why).
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
}

/** Readiness probe: PING within the timeout or a clear error naming the endpoint. */
export async function checkRedis(redis: Redis, timeoutMs = 1_500): Promise<void> {
  const { host, port } = redis.options;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`Redis at ${host}:${port} did not answer PING within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    if (redis.status === 'wait') await Promise.race([redis.connect(), timeout]);
    const reply = await Promise.race([redis.ping(), timeout]);
    if (reply !== 'PONG') throw new Error(`Redis at ${host}:${port} answered PING with ${reply}`);
  } finally {
    clearTimeout(timer);
  }
}
