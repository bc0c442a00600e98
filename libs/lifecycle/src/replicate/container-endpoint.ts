// Where the gateway reaches one service of an environment.

import { containerName, environmentIdentity, networkName } from '@berth/core';
import type { ContainerHost } from '@berth/providers';

/** The environment, as far as naming goes: an `EnvironmentWithRepository` fits. */
export interface EnvironmentRef {
  prNumber: number;
  /** Which of its two sets of names it runs in (decision 0040). */
  slot: number;
  repository: { fullName: string };
}

/**
 * Where the gateway reaches `service` of an environment: its container's IP on one of the
 * environment's networks (the host reaches an internal bridge by IP). Throws, naming the container, when it is
 * missing or not attached. IPs can change when a container is replaced: read it after replicate.
 */
export async function containerEndpoint(
  containerHost: ContainerHost,
  env: EnvironmentRef,
  service: string,
  port: number,
): Promise<{ host: string; port: number }> {
  const id = environmentIdentity(env.repository.fullName, env.prNumber, env.slot);
  const name = containerName(id, service);
  const state = await containerHost.inspectContainer(name);
  if (!state) {
    throw new Error(
      `service ${service} has no container (${name}): run the replicate stage for this environment first`,
    );
  }
  // On the preview's default network when it is there, else on any of its networks: the host
  // (where the gateway runs) has a route to every one of them.
  const ip =
    state.networks[networkName(id)] ??
    Object.entries(state.networks)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, address]) => address)
      .find(Boolean);
  if (!ip) {
    throw new Error(
      `container ${name} has no address on the preview's networks (state: ${state.status}); replicate again to reattach it`,
    );
  }
  return { host: ip, port };
}
