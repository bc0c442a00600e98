import type { WorkerConfig } from '@berth/config';
import { type EnvironmentWithRepository, LogRelay } from '@berth/lifecycle';
import type { PrismaClient } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import { closeRedis, createRedis } from '@berth/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LogsDeps {
  config: Pick<WorkerConfig, 'REDIS_URL' | 'QUEUE_PREFIX' | 'DOCKER_HOST_NAME'>;
  prisma: PrismaClient;
  redis: Redis;
  containerHost: Pick<ContainerHost, 'streamLogs'>;
  secrets: (environment: EnvironmentWithRepository) => Promise<string[]>;
  owner: string;
  logger: Logger;
}

/**
 * Per-service logs for the REST API (decision 0030) on a worker with the `stages` role (the one
 * that drives this Docker host): log requests from the api, answered line by line through Redis.
 */
export async function startLogs(deps: LogsDeps) {
  const subscriber = createRedis(deps.config.REDIS_URL, 'berth-worker-logs');
  const relay = new LogRelay({
    subscriber,
    publisher: deps.redis,
    prefix: deps.config.QUEUE_PREFIX,
    dockerHost: deps.config.DOCKER_HOST_NAME,
    containerHost: deps.containerHost,
    prisma: deps.prisma,
    secrets: deps.secrets,
    owner: deps.owner,
    logger: deps.logger,
  });
  await relay.start();
  return {
    relay,
    close: async () => {
      await relay.close();
      await closeRedis(subscriber);
    },
  };
}
