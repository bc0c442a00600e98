// Start-up check of SUBNET_POOL against what this host already uses: its interface addresses and
// the Docker networks Berth does not own. An overlap would route a preview's addresses over a real
// network (or Docker would refuse the network mid-provision), so the worker refuses to start.

import { networkInterfaces } from 'node:os';
import { ConfigError } from '@berth/config';
import {
  type HostInterfaceAddress,
  LABEL_MANAGED,
  describePoolConflicts,
  parseCidr,
  poolConflicts,
} from '@berth/core';
import type { ContainerHost, ListedNetwork } from '@berth/providers';
import type { Logger } from 'pino';

export interface SubnetPoolCheckDeps {
  service: string;
  pool: string;
  containerHost: Pick<ContainerHost, 'listNetworks'>;
  logger: Logger;
  /** os.networkInterfaces() unless a test gives its own. */
  interfaces?: ReturnType<typeof networkInterfaces>;
  /** How long to wait for the engine's network list (default 5 s). */
  timeoutMs?: number;
}

/** Throws a ConfigError naming SUBNET_POOL and what it overlaps (the worker then exits 78). */
export async function checkSubnetPool(deps: SubnetPoolCheckDeps): Promise<void> {
  const pool = parseCidr(deps.pool);
  const networks = await listOrNull(deps);
  const conflicts = poolConflicts(
    pool,
    interfaceAddresses(deps.interfaces ?? networkInterfaces()),
    networks?.map((n) => ({
      name: n.name,
      subnets: n.subnets,
      managed: n.labels[LABEL_MANAGED] === 'true',
    })) ?? null,
  );
  const problem = describePoolConflicts(pool, conflicts);
  if (problem) throw new ConfigError(deps.service, [{ key: 'SUBNET_POOL', message: problem }]);
}

export function interfaceAddresses(
  interfaces: ReturnType<typeof networkInterfaces>,
): HostInterfaceAddress[] {
  return Object.entries(interfaces).flatMap(([name, addresses]) =>
    (addresses ?? []).flatMap((a) =>
      a.family === 'IPv4' && a.cidr ? [{ name, cidr: a.cidr }] : [],
    ),
  );
}

/**
 * An engine that is down at start must not keep the worker from starting (readiness reports it);
 * the Docker half of the check is then skipped with a warning, and so are Docker's `br-…`
 * bridges, which only the engine can attribute; every other interface is still checked.
 */
async function listOrNull(deps: SubnetPoolCheckDeps): Promise<ListedNetwork[] | null> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      deps.containerHost.listNetworks(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    deps.logger.warn(
      { err: error },
      'could not list Docker networks: SUBNET_POOL was checked against host interfaces only, not br-… bridges',
    );
    return null;
  } finally {
    clearTimeout(timer);
  }
}
