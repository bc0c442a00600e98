import type { WorkerConfig } from '@berth/config';
import {
  createBuildHandler,
  createExposeHandler,
  createReplicateHandler,
  createTeardownHandler,
  createWireHandler,
  GitHubStatusReporter,
  ResourceLedger,
  StageRunner,
  SubnetAllocator,
  SubnetLedger,
} from '@berth/lifecycle';
import { subnetPool } from '@berth/core';
import type { ReadinessCheck } from '@berth/observability';
import { DockerContainerHost, GitSourceRepository, OctokitGitHub } from '@berth/providers';
import type { Stores } from '@berth/runtime';
import { closeRedis, createLifecycleQueue, createRedis } from '@berth/queue';
import type { Logger } from 'pino';
import { startLifecycleWorker } from './lifecycle-worker.js';
import { checkSubnetPool } from './subnet-pool-check.js';

/**
 * The worker's composition root: one driver per port, every stage handler, the runner and the
 * BullMQ consumer. Nothing else in the worker constructs a vendor client.
 */
export async function startLifecycle(config: WorkerConfig, stores: Stores, logger: Logger) {
  const { prisma, redis } = stores;
  const containerHost = new DockerContainerHost({
    ...(config.DOCKER_HOST ? { dockerHost: config.DOCKER_HOST } : {}),
  });
  // Before any job can run: a pool over the host's own networks is a configuration error (78).
  await checkSubnetPool({
    service: 'berth-worker',
    pool: config.SUBNET_POOL,
    containerHost,
    logger,
  });
  const github = new OctokitGitHub({
    appId: config.GITHUB_APP_ID,
    privateKey: config.GITHUB_APP_PRIVATE_KEY,
    baseUrl: config.GITHUB_API_URL,
    writeIntervalMs: config.GITHUB_WRITE_INTERVAL_MS,
    notificationIntervalMs: config.GITHUB_WRITE_INTERVAL_MS * 3,
  });
  const source = new GitSourceRepository({ workDir: config.WORK_DIR });
  // Every ledger row this worker writes records the Docker host it acts on.
  const ledger = new ResourceLedger(prisma, config.DOCKER_HOST_NAME);
  const subnets = new SubnetAllocator(
    new SubnetLedger(prisma, config.DOCKER_HOST_NAME),
    subnetPool(config.SUBNET_POOL, config.SUBNET_PREFIX_LENGTH),
  );
  const settings = {
    BASE_DOMAIN: config.BASE_DOMAIN,
    PREVIEW_URL_SCHEME: config.PREVIEW_URL_SCHEME,
    PREVIEW_URL_PORT: config.PREVIEW_URL_PORT,
    COMPOSE_VARIABLES_FILE: config.COMPOSE_VARIABLES_FILE,
  };
  // ioredis' publish(channel, message) is the RoutePublisher the gateway listens to.
  const handlers = [
    createBuildHandler({ containerHost, prisma, ledger, source, github, settings }),
    createWireHandler({ prisma, source, github, settings }),
    createReplicateHandler({ containerHost, prisma, ledger, subnets }),
    createExposeHandler({ prisma, ledger, containerHost, publisher: redis }),
    createTeardownHandler({ containerHost, prisma, ledger, publisher: redis }),
  ];
  const reporter = new GitHubStatusReporter({
    prisma,
    github,
    linkSecret: config.PREVIEW_LINK_SECRET,
  });
  const queue = createLifecycleQueue(redis, config.QUEUE_PREFIX);
  const runner = new StageRunner({ prisma, queue, handlers, reporter, logger });
  // BullMQ workers block on their connection: never share it with anything else.
  const connection = createRedis(config.REDIS_URL, 'berth-worker-consumer');
  const worker = startLifecycleWorker({
    prisma,
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    runner,
    reporter,
    logger,
  });
  const checks: ReadinessCheck[] = [{ name: 'docker', check: () => containerHost.ping() }];
  return {
    checks,
    close: async () => {
      await worker.close();
      await queue.close();
      await closeRedis(connection);
    },
  };
}
