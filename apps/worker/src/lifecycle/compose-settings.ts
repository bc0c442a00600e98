import type { RepositorySettings } from '@berth/core';
import type { ComposeSettings } from '@berth/lifecycle';

/**
 * What the build and wire stages load a repository's compose file with: the operator's compose
 * path (else discovery) and the operator variables it may read — the ones shared with every
 * repository (SHARED_COMPOSE_VARIABLES) plus its own allowed ones. Read per stage run, so
 * `berth repo set` applies to the next push without a restart.
 */
export function repositoryComposeSettings(
  settings: { forRepository(fullName: string): Promise<RepositorySettings> },
  sharedVariables: string | undefined,
  /** MAX_SERVICES: the cap for repositories without their own --max-services. */
  defaultMaxServices?: number,
  /** MAX_NETWORKS: compose networks one preview may have. */
  maxNetworks?: number,
) {
  const shared = (sharedVariables ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
  return async (environment: { repository: { fullName: string } }): Promise<ComposeSettings> => {
    const policy = await settings.forRepository(environment.repository.fullName);
    return {
      ...(policy.composePath === undefined ? {} : { composePath: policy.composePath }),
      ...(policy.baseBranch === undefined ? {} : { baseBranch: policy.baseBranch }),
      allowedVariables: [...new Set([...shared, ...policy.allowedVariables])],
      ...((policy.maxServices ?? defaultMaxServices) === undefined
        ? {}
        : { maxServices: (policy.maxServices ?? defaultMaxServices) as number }),
      ...(maxNetworks === undefined ? {} : { maxNetworks }),
    };
  };
}
