// The environment's networks: one Docker network per compose network, each in its own slice of
// the one subnet the environment holds from SUBNET_POOL (decision 0008). Every network has a
// ledger row before it exists, so teardown and the sweep remove it.
// observe (the ledger's networks, the host's) → compare (their ranges with the split) → act.

import { splitSubnet } from '@berth/core';
import { type ResourceLedger, slotOf } from '@berth/db';
import { type ContainerHost, type NetworkRef, SubnetInUseError } from '@berth/providers';
import type { Logger } from 'pino';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import type { NetworkPlan } from './container-plan.js';
import type { SubnetAllocator } from './subnet-allocator.js';

export interface EnvironmentNetworks {
  /** The environment's block from SUBNET_POOL. */
  subnet: string;
  /** Per compose network: its Docker name and its slice of the block. */
  networks: Record<string, { name: string; subnet: string; internal: boolean }>;
  /** Networks of an earlier revision removed (with the containers attached to them). */
  removed: string[];
}

export interface EnsureNetworksInput {
  host: ContainerHost;
  subnets: SubnetAllocator;
  ledger: ResourceLedger;
  environmentId: string;
  plans: readonly NetworkPlan[];
  /** The operator's choice for every preview network (NetworkSpec.internal, default true). */
  internal: boolean;
  logger: Logger;
  /**
   * The environment's slot these networks are for (decision 0040; default 0): only that slot's
   * networks are compared and removed, so the serving slot's stay while the other one starts.
   */
  slot?: number;
}

/**
 * Safe to run twice: the environment's block is reused and networks already in their slice are
 * left alone. A network in another range (the set of networks changed, so the block was cut
 * again) or no longer in the compose file is removed first, with every container attached to
 * it: those containers are created again on the new networks by the replicate stage.
 */
export async function ensureEnvironmentNetworks(
  input: EnsureNetworksInput,
): Promise<EnvironmentNetworks> {
  const { host, ledger, environmentId, plans } = input;
  const owned = { provider: 'docker' as const, environmentId };
  const slot = input.slot ?? 0;
  let avoid: string[] = [];
  for (;;) {
    const { row: subnetRow, subnet } = await input.subnets.allocate(environmentId, avoid, slot);
    const split = splitSubnet(subnet.cidr, plans);
    if (!split.ok) throw new PermanentStageError(`networks: ${split.message}`);
    const removed = await removeOutdated(input, split.slices);
    const made: NetworkRef[] = [];
    const out: EnvironmentNetworks['networks'] = {};
    try {
      for (const plan of plans) {
        const slice = split.slices[plan.key];
        if (!slice) throw new Error(`no subnet slice for network ${plan.key}`);
        const internal = input.internal || plan.internal;
        const row = await ledger.plan({
          ...owned,
          kind: 'network',
          name: plan.name,
          metadata: {
            network: plan.key,
            subnet: slice.cidr,
            block: subnet.cidr,
            internal,
            ...(slot !== 0 ? { slot } : {}),
          },
        });
        let ref: NetworkRef;
        try {
          ref = await host.ensureNetwork({
            name: plan.name,
            labels: plan.labels,
            internal,
            subnet: { cidr: slice.cidr, gateway: slice.gateway },
          });
        } catch (error) {
          await ledger.markFailed(row.id).catch(() => undefined);
          throw error;
        }
        if (ref.created) made.push(ref);
        await ledger.markCreated(row.id, ref.id);
        out[plan.key] = { name: plan.name, subnet: slice.cidr, internal };
      }
      if (subnetRow.state !== 'created') {
        await ledger.markCreated(subnetRow.id, made[0]?.id ?? subnetRow.providerId ?? undefined);
      }
      return { subnet: subnet.cidr, networks: out, removed };
    } catch (error) {
      // A network the ledger does not know holds part of the block: give the block back (with
      // what this attempt made in it) and take the next free one, avoiding every range in use.
      if (!(error instanceof SubnetInUseError) || avoid.includes(subnet.cidr)) throw error;
      input.logger.warn(
        { subnet: subnet.cidr, err: error },
        'part of the subnet is taken outside the ledger; trying the next one',
      );
      for (const ref of made) await removeRecorded(input, ref.name);
      await ledger.markDeleted(subnetRow.id);
      const mine = new Set(plans.map((p) => p.name));
      const others = (await host.listNetworks()).filter((n) => !mine.has(n.name));
      avoid = [...new Set([...avoid, subnet.cidr, ...others.flatMap((n) => n.subnets)])];
    }
  }
}

/**
 * The environment's networks that cannot stay: gone from the plan, or in another range than
 * their slice. Containers attached to them go first (Docker would keep a container pointing at a
 * removed network), then the networks, each through its ledger row.
 */
async function removeOutdated(
  input: EnsureNetworksInput,
  slices: Readonly<Record<string, { cidr: string }>>,
): Promise<string[]> {
  const { host, ledger, environmentId, plans } = input;
  const wanted = new Map(plans.map((p) => [p.name, slices[p.key]?.cidr]));
  const rows = (await ledger.live(environmentId)).filter(
    (r) => r.kind === 'network' && r.provider === 'docker' && slotOf(r) === (input.slot ?? 0),
  );
  if (rows.length === 0) return [];
  const onHost = new Map((await host.listNetworks()).map((n) => [n.name, n.subnets]));
  const outdated = rows
    .filter((row) => {
      if (!wanted.has(row.name)) return true;
      const subnets = onHost.get(row.name);
      return subnets !== undefined && !subnets.includes(wanted.get(row.name) as string);
    })
    .map((row) => row.name);
  if (outdated.length === 0) return [];
  const gone = new Set(outdated);
  const containers = (await ledger.live(environmentId)).filter(
    (r) => r.kind === 'container' && r.provider === 'docker',
  );
  for (const row of containers) {
    const state = await host.inspectContainer(row.name);
    if (!state || !Object.keys(state.networks).some((n) => gone.has(n))) continue;
    await ledger.markDeleting(row.id);
    await host.removeContainer(row.name);
    await ledger.markDeleted(row.id);
    input.logger.info({ container: row.name }, 'removed: its network is cut again');
  }
  for (const name of outdated) await removeRecorded(input, name);
  input.logger.info(
    { networks: outdated },
    'removed networks gone from the compose file or cut again',
  );
  return outdated;
}

async function removeRecorded(input: EnsureNetworksInput, name: string): Promise<void> {
  const row = (await input.ledger.live(input.environmentId)).find(
    (r) => r.kind === 'network' && r.name === name,
  );
  if (row) await input.ledger.markDeleting(row.id);
  await input.host.removeNetwork(name);
  if (row) await input.ledger.markDeleted(row.id);
}
