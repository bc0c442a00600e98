// The environment's network, in a subnet the ledger holds for it.

import {
  type ContainerHost,
  type NetworkRef,
  type NetworkSpec,
  SubnetInUseError,
} from '@berth/providers';
import type { ResourceLedger } from '@berth/db';
import type { SubnetAllocator } from './subnet-allocator.js';

/**
 * The subnet row is claimed before the network exists and marked created after, like every
 * resource. When a network the ledger does not know (another Berth, an operator's) already holds
 * the range, the claim is let go and the next free range tried, avoiding every range the host's
 * networks use. Safe to run twice: the environment's live subnet row is reused.
 */
export async function ensureSubnetNetwork(
  host: ContainerHost,
  subnets: SubnetAllocator,
  ledger: ResourceLedger,
  environmentId: string,
  spec: NetworkSpec,
): Promise<{ network: NetworkRef; subnet: string }> {
  let avoid: string[] = [];
  for (;;) {
    const { row, subnet } = await subnets.allocate(environmentId, avoid);
    try {
      const network = await host.ensureNetwork({
        ...spec,
        subnet: { cidr: subnet.cidr, gateway: subnet.gateway },
      });
      if (row.state !== 'created') await ledger.markCreated(row.id, network.id);
      return { network, subnet: subnet.cidr };
    } catch (error) {
      // A second refusal of a range we were told to avoid would mean a loop: stop instead.
      if (!(error instanceof SubnetInUseError) || avoid.includes(subnet.cidr)) throw error;
      await ledger.markDeleted(row.id);
      const others = (await host.listNetworks()).filter((n) => n.name !== spec.name);
      avoid = [...new Set([...avoid, subnet.cidr, ...others.flatMap((n) => n.subnets)])];
    }
  }
}
