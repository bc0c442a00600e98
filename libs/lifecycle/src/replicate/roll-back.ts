// A push whose long-running service does not come up must not take a working preview down
// (issue 10 §5, decision 0038). When nothing but long-running containers changed since the
// serving revision (no migration or seed ran, the database kept its data, no service was
// dropped), the replaced ones are put back as that revision ran them, and the routes follow
// their addresses. Anything else is left as it failed: an older api on a newer schema, or a
// database already replaced, is not "the last good revision".

import type { ResourceLedger, RouteStore } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import type { Logger } from 'pino';
import type { RoutePublisher } from '../pipeline/route-publisher.js';
import type { EnvironmentWithRepository, ServingRevision } from '../pipeline/stage-handler.js';
import { moveRoutes } from './beside-serving.js';
import { type ReplicatePlan, slotMetadata } from './container-plan.js';

/** What this replicate attempt changed, as far as putting the serving revision back goes. */
export interface AttemptChanges {
  /** Long-running services whose container this attempt replaced. */
  replaced: Set<string>;
  /** A one-shot (migration, seed) ran, the database was replaced, or a service was dropped. */
  beyondContainers: boolean;
}

export function rollBackEligible(
  environment: Pick<EnvironmentWithRepository, 'servingSha' | 'servingRevision'>,
  generation: number,
  changes: AttemptChanges,
): ServingRevision | undefined {
  const { servingSha, servingRevision } = environment;
  if (servingSha === null || servingRevision === null || servingRevision >= generation) {
    return undefined;
  }
  if (changes.beyondContainers || changes.replaced.size === 0) return undefined;
  return { sha: servingSha, revision: servingRevision };
}

export async function rollBack(input: {
  host: ContainerHost;
  ledger: ResourceLedger;
  routes: RouteStore;
  publisher: RoutePublisher | undefined;
  environment: EnvironmentWithRepository;
  /** The serving revision's plan (its images, wiring and secrets). */
  plan: ReplicatePlan;
  /** Its exposed services' ports. */
  ports: Readonly<Record<string, number>>;
  services: readonly string[];
  /** Waits for one of the plan's services as replicate does. */
  wait: (service: string) => Promise<void>;
  logger: Logger;
}): Promise<string[]> {
  const { host, ledger, environment, plan } = input;
  const missing = input.services.filter((s) => !plan.services[s] || plan.services[s].oneShot);
  if (missing.length > 0) {
    throw new Error(`the serving revision has no long-running ${missing.join(', ')}`);
  }
  for (const name of input.services) {
    const service = plan.services[name]!;
    const row = await ledger.plan({
      provider: 'docker',
      environmentId: environment.id,
      kind: 'container',
      name: service.container.name,
      metadata: {
        service: name,
        image: service.container.image,
        memoryBytes: service.container.limits?.memoryBytes,
        ...slotMetadata(plan.slot),
      },
    });
    const run = await host.runContainer(service.container);
    await ledger.markCreated(row.id, run.id);
  }
  await Promise.all(input.services.map((name) => input.wait(name)));

  // A new container may have a new address: the routes (and a base's borrowers) follow it.
  const moved = await moveRoutes({
    host,
    routes: input.routes,
    publisher: input.publisher,
    environment,
    slot: plan.slot,
    ports: input.ports,
    services: Object.fromEntries(input.services.map((name) => [name, plan.services[name]!])),
  });
  input.logger.info(
    { services: input.services, routes: moved },
    'put the serving revision back after the new one failed',
  );
  return [...input.services];
}
