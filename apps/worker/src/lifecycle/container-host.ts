// The worker's Docker host: the operator's build limits and registry credentials, read once.
// A credentials file that cannot be used stops the worker (exit 78) naming REGISTRY_AUTH_FILE,
// rather than failing every private pull later.

import { ConfigError, type WorkerConfig } from '@berth/config';
import { type RegistryAuth, RegistryAuthError } from '@berth/core';
import { DockerContainerHost, readRegistryAuthFile } from '@berth/providers';
import type { Logger } from 'pino';

type ImageConfig = Pick<
  WorkerConfig,
  | 'DOCKER_HOST'
  | 'REGISTRY_AUTH_FILE'
  | 'PULL_TIMEOUT_S'
  | 'BUILD_MEMORY_MB'
  | 'BUILD_CPUS'
  | 'BUILD_PIDS'
  | 'BUILD_TIMEOUT_S'
  | 'BUILD_NETWORK'
>;

/** The operator's registry credentials, if any: for pulls and builds, and for the redaction. */
export async function loadRegistryAuth(
  service: string,
  config: Pick<WorkerConfig, 'REGISTRY_AUTH_FILE'>,
  logger: Logger,
): Promise<RegistryAuth | undefined> {
  if (!config.REGISTRY_AUTH_FILE) return undefined;
  let registryAuth: RegistryAuth;
  try {
    registryAuth = await readRegistryAuthFile(config.REGISTRY_AUTH_FILE);
  } catch (error) {
    if (!(error instanceof RegistryAuthError)) throw error;
    throw new ConfigError(service, [{ key: 'REGISTRY_AUTH_FILE', message: error.message }]);
  }
  // Hosts only: the credentials themselves never reach a log.
  logger.info({ registries: [...registryAuth.keys()] }, 'registry credentials loaded');
  return registryAuth;
}

export async function createContainerHost(
  service: string,
  config: ImageConfig,
  logger: Logger,
  registryAuth?: RegistryAuth,
): Promise<DockerContainerHost> {
  registryAuth ??= await loadRegistryAuth(service, config, logger);
  const host = new DockerContainerHost({
    ...(config.DOCKER_HOST ? { dockerHost: config.DOCKER_HOST } : {}),
    ...(registryAuth ? { registryAuth } : {}),
    pullTimeoutMs: config.PULL_TIMEOUT_S * 1000,
    buildLimits: {
      memoryBytes: config.BUILD_MEMORY_MB * 1024 * 1024,
      cpus: config.BUILD_CPUS,
      pids: config.BUILD_PIDS,
      timeoutMs: config.BUILD_TIMEOUT_S * 1000,
      network: config.BUILD_NETWORK,
    },
  });
  // Said once at start-up: an operator must know when BUILD_PIDS is not enforced here.
  const confinement = await host.buildConfinement().catch((error: unknown) => ({
    pidsLimited: false,
    reason: `the engine could not be asked (${(error as Error).message})`,
  }));
  if (confinement.pidsLimited) logger.info({ buildLimits: confinement }, 'build limits');
  else
    logger.warn({ buildLimits: confinement }, `BUILD_PIDS is not enforced: ${confinement.reason}`);
  return host;
}
