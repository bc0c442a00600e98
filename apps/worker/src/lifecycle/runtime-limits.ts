// What the replicate stage holds previews to at run time: each repository's ceilings (its
// settings, else the operator's MAX_SERVICE_* defaults) and this Docker host's memory commitment.

import type { WorkerConfig } from '@berth/config';
import {
  DEFAULT_ADMISSION_MAX_WAIT_S,
  hostMemoryCommitBytes,
  type RepositorySettings,
  runtimeCeilings,
} from '@berth/core';
import { HostMemoryLedger, type PrismaClient } from '@berth/db';
import type { HostMemoryAdmission } from '@berth/lifecycle';
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
 * The host's commitment: HOST_MEMORY_COMMIT_MB, else the engine's MemTotal ×
 * HOST_MEMORY_COMMIT_RATIO, asked on first use (an engine down at start-up must not stop the
 * worker; the replicate stage retries) and kept once known. Logged, so an operator sees it.
 * A preview waits for it at most ADMISSION_MAX_WAIT_S.
 */
export function hostMemoryAdmission(
  prisma: PrismaClient,
  engine: { memoryTotalBytes(): Promise<number> },
  config: Pick<
    WorkerConfig,
    'HOST_MEMORY_COMMIT_MB' | 'HOST_MEMORY_COMMIT_RATIO' | 'DOCKER_HOST_NAME'
  > &
    Partial<Pick<WorkerConfig, 'ADMISSION_MAX_WAIT_S'>>,
  logger: Logger,
): HostMemoryAdmission {
  let known: number | undefined;
  const capacityBytes = async (): Promise<number> => {
    if (known !== undefined) return known;
    const fromEngine = config.HOST_MEMORY_COMMIT_MB === undefined;
    known = hostMemoryCommitBytes(
      config.HOST_MEMORY_COMMIT_MB,
      fromEngine ? await engine.memoryTotalBytes() : 0,
      config.HOST_MEMORY_COMMIT_RATIO,
    );
    logger.info(
      {
        hostMemoryCommitMb: Math.floor(known / 1024 / 1024),
        source: fromEngine
          ? `engine MemTotal × ${config.HOST_MEMORY_COMMIT_RATIO}`
          : 'HOST_MEMORY_COMMIT_MB',
      },
      'host memory commitment',
    );
    return known;
  };
  return {
    ledger: new HostMemoryLedger(prisma, config.DOCKER_HOST_NAME),
    capacityBytes,
    maxWaitMs: (config.ADMISSION_MAX_WAIT_S ?? DEFAULT_ADMISSION_MAX_WAIT_S) * 1000,
  };
}
