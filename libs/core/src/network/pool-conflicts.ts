// Startup check: the subnet pool must not overlap an address range already in use on the host,
// or a Docker network Berth does not own. Otherwise a preview's network would shadow a real one
// (routes on the host go to the wrong place) or Docker would refuse it mid-provision.

import { type Cidr, cidrsOverlap, parseCidr } from './cidr.js';

export interface HostInterfaceAddress {
  /** e.g. `eth0`, `docker0`. */
  name: string;
  /** As os.networkInterfaces() gives it: `192.0.2.2/24` (host bits set). */
  cidr: string;
}

export interface DockerNetworkSubnets {
  name: string;
  /** IPAM subnets; IPv6 ones are ignored. */
  subnets: readonly string[];
  /** Carries `berth.managed=true`: a preview network Berth made from this pool. */
  managed: boolean;
}

export interface PoolConflict {
  kind: 'interface' | 'docker-network';
  name: string;
  cidr: string;
}

/** Docker names a user-defined network's host-side bridge `br-` + the first 12 hex of its id. */
const DOCKER_BRIDGE = /^br-[0-9a-f]{12}$/;

export function isDockerBridge(interfaceName: string): boolean {
  return DOCKER_BRIDGE.test(interfaceName);
}

/**
 * What the pool overlaps. Berth's own networks are not conflicts, and neither are the host-side
 * bridge addresses Docker gives them (each Berth network appears as a `br-…` interface inside its
 * own subnet once it exists, so a restarted worker would otherwise refuse its own previews).
 *
 * `networks` is null when the engine could not be asked: a Docker bridge then cannot be told
 * apart from Berth's own, so bridges are left out (the caller says so) instead of refusing to
 * start over what are most likely this host's running previews.
 */
export function poolConflicts(
  pool: Cidr,
  interfaces: readonly HostInterfaceAddress[],
  networks: readonly DockerNetworkSubnets[] | null,
): PoolConflict[] {
  const ranges = (subnets: readonly string[]) => subnets.flatMap((s) => ipv4Range(s));
  const owned = (networks ?? []).filter((n) => n.managed).flatMap((n) => ranges(n.subnets));
  const conflicts: PoolConflict[] = [];
  for (const address of interfaces) {
    if (networks === null && isDockerBridge(address.name)) continue;
    for (const cidr of ipv4Range(address.cidr)) {
      if (!cidrsOverlap(pool, cidr)) continue;
      if (owned.some((o) => cidrsOverlap(o, cidr))) continue;
      conflicts.push({ kind: 'interface', name: address.name, cidr: address.cidr });
    }
  }
  for (const network of (networks ?? []).filter((n) => !n.managed)) {
    for (const cidr of ranges(network.subnets)) {
      if (cidrsOverlap(pool, cidr)) {
        conflicts.push({ kind: 'docker-network', name: network.name, cidr: cidr.text });
      }
    }
  }
  return conflicts;
}

/** One sentence an operator can act on, or null when there is nothing to fix. */
export function describePoolConflicts(
  pool: Cidr,
  conflicts: readonly PoolConflict[],
): string | null {
  if (conflicts.length === 0) return null;
  const what = conflicts
    .map((c) =>
      c.kind === 'interface'
        ? `host interface ${c.name} (${c.cidr})`
        : `Docker network ${c.name} (${c.cidr})`,
    )
    .join(', ');
  return (
    `${pool.text} overlaps ${what}; set SUBNET_POOL to a private range nothing on this host uses ` +
    '(e.g. 10.210.0.0/16) or remove the overlapping network'
  );
}

function ipv4Range(text: string): Cidr[] {
  try {
    return [parseCidr(text, { allowHostBits: true })];
  } catch {
    return []; // IPv6 or malformed: IPv4 pools cannot collide with it
  }
}
