// What the replicate stage holds previews to at run time: each repository's ceilings (its
// settings, else the operator's MAX_SERVICE_* defaults) and this Docker host's memory commitment.

import type { WorkerConfig } from '@berth/config';
import { hostMemoryCommitBytes, type RepositorySettings, runtimeCeilings } from '@berth/core';
import { HostMemoryLedger, type PrismaClient } from '@berth/db';
import type { Logger } from 'pino';

type CeilingConfig = Pick<
  WorkerConfig,
  'MAX_SERVICE_MEMORY_MB' | 'MAX_SERVICE_CPUS' | 'MAX_SERVICE_PIDS' | 'MAX_SERVICES'
>;

/** Read per stage run, so `berth repo set --max-memory` applies to the next push. */
export function repositoryCeilings(
  settings: { forRepository(fullName: string): Promise<RepositorySettings> },
  config: CeilingConfig,
) {
  return async (environment: { repository: { fullName: string } }) =>
    runtimeCeilings(await settings.forRepository(environment.repository.fullName), {
      maxMemoryMb: config.MAX_SERVICE_MEMORY_MB,
      maxCpus: config.MAX_SERVICE_CPUS,
      maxPids: config.MAX_SERVICE_PIDS,
      maxServices: config.MAX_SERVICES,
    });
}

/**
 * The host's commitment, decided once at start-up: HOST_MEMORY_COMMIT_MB, else the engine's
 * MemTotal × HOST_MEMORY_COMMIT_RATIO. Logged, so an operator sees what previews may promise.
 */
export async function hostMemoryAdmission(
  prisma: PrismaClient,
  engine: { memoryTotalBytes(): Promise<number> },
  config: Pick<
    WorkerConfig,
    'HOST_MEMORY_COMMIT_MB' | 'HOST_MEMORY_COMMIT_RATIO' | 'DOCKER_HOST_NAME'
  >,
  logger: Logger,
) {
  const memTotal = config.HOST_MEMORY_COMMIT_MB === undefined ? await engine.memoryTotalBytes() : 0;
  const capacityBytes = hostMemoryCommitBytes(
    config.HOST_MEMORY_COMMIT_MB,
    memTotal,
    config.HOST_MEMORY_COMMIT_RATIO,
  );
  logger.info(
    {
      hostMemoryCommitMb: Math.floor(capacityBytes / 1024 / 1024),
      source:
        config.HOST_MEMORY_COMMIT_MB === undefined
          ? `engine MemTotal × ${config.HOST_MEMORY_COMMIT_RATIO}`
          : 'HOST_MEMORY_COMMIT_MB',
    },
    'host memory commitment',
  );
  return { ledger: new HostMemoryLedger(prisma, config.DOCKER_HOST_NAME), capacityBytes };
}
