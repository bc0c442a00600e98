// Compose networks as real per-environment networks. Pure: which networks an environment needs,
// who is on which, and how the environment's one subnet from the pool is cut between them
// (decision 0008). The lifecycle creates them; this only decides.

import type { ComposeSpec } from '../compose/model.js';
import { type Cidr, CidrError, addressAt, fromNumber, parseCidr, toNumber } from './cidr.js';

/** Default for MAX_NETWORKS: compose networks one preview may have. */
export const DEFAULT_MAX_NETWORKS = 4;
/** The compose network a service without `networks:` joins. */
export const DEFAULT_NETWORK = 'default';
/** Addresses a bridge subnet spends on other things than containers: network, gateway, broadcast. */
const RESERVED_ADDRESSES = 3;
/** A slice sized by need is at least a /29 (5 containers): one more service rarely moves it. */
const MIN_SLICE = 8;

export interface ComposeNetworkPlan {
  /** The compose network's name (`default`, `frontend`). */
  key: string;
  /** `internal: true` in the compose file. */
  internal: boolean;
  labels: Record<string, string>;
  /** Services on it, sorted. */
  members: string[];
}

export interface NetworkTopology {
  /** Networks at least one service joins: `default` first, then by name. */
  networks: ComposeNetworkPlan[];
  /** Each service's networks, in the order it listed them (`[default]` when it lists none). */
  services: Record<string, string[]>;
}

/**
 * The networks an environment needs. A model stored before networks were read has none: every
 * service is then on `default`, as it ran before.
 */
export function networkTopology(spec: ComposeSpec): NetworkTopology {
  const services: Record<string, string[]> = {};
  const members = new Map<string, string[]>();
  for (const service of Object.values(spec.services)) {
    const joined = service.networks?.length ? [...service.networks] : [DEFAULT_NETWORK];
    services[service.name] = joined;
    for (const key of joined) members.set(key, [...(members.get(key) ?? []), service.name]);
  }
  const keys = [...members.keys()].sort((a, b) =>
    a === DEFAULT_NETWORK ? -1 : b === DEFAULT_NETWORK ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    networks: keys.map((key) => ({
      key,
      internal: spec.networks?.[key]?.internal ?? false,
      labels: { ...(spec.networks?.[key]?.labels ?? {}) },
      members: [...(members.get(key) ?? [])].sort(),
    })),
    services,
  };
}

/** More networks than the operator allows: the problem, naming the field and the setting. */
export function networkCountProblem(
  topology: NetworkTopology,
  maxNetworks: number,
): { path: string; message: string } | undefined {
  const count = topology.networks.length;
  if (count <= maxNetworks) return undefined;
  return {
    path: 'networks',
    message:
      `the services use ${count} networks (${topology.networks.map((n) => n.key).join(', ')}), ` +
      `but a preview may have at most ${maxNetworks} (the operator's MAX_NETWORKS); ` +
      'put services that may talk to each other on one network',
  };
}

export interface NetworkSlice {
  /** `10.210.0.64/27`. */
  cidr: string;
  /** First usable address: the bridge's address on the host. */
  gateway: string;
  /** Containers it holds. */
  capacity: number;
}

export type SubnetSplit =
  { ok: true; slices: Record<string, NetworkSlice> } | { ok: false; message: string };

/**
 * Cuts the environment's block (its one pool subnet) into one slice per network.
 *
 * Equal slices first (a power of two each, in network order): they depend only on how many
 * networks there are, so adding a service to a network never moves an address range. When a
 * network has more members than an equal slice holds, slices are sized by need instead (the
 * smallest power of two with room, largest first, so every slice stays aligned). When even that
 * does not fit, the message names the networks, their members and the fix.
 */
export function splitSubnet(
  block: string,
  networks: readonly Pick<ComposeNetworkPlan, 'key' | 'members'>[],
): SubnetSplit {
  let cidr: Cidr;
  try {
    cidr = parseCidr(block);
  } catch (error) {
    if (error instanceof CidrError) return { ok: false, message: error.message };
    throw error;
  }
  const size = 2 ** (32 - cidr.prefix);
  const base = toNumber(cidr.network);
  if (networks.length === 0) return { ok: true, slices: {} };
  const slice = (offset: number, length: number): NetworkSlice => {
    const prefix = 32 - Math.log2(length);
    const text = `${fromNumber(base + offset)}/${prefix}`;
    return {
      cidr: text,
      gateway: addressAt(parseCidr(text), 1),
      capacity: length - RESERVED_ADDRESSES,
    };
  };

  const equal = size / 2 ** Math.ceil(Math.log2(networks.length));
  if (
    equal - RESERVED_ADDRESSES >= 1 &&
    networks.every((n) => n.members.length <= equal - RESERVED_ADDRESSES)
  ) {
    return {
      ok: true,
      slices: Object.fromEntries(networks.map((n, i) => [n.key, slice(i * equal, equal)])),
    };
  }

  const needs = networks
    .map((n) => ({
      key: n.key,
      length: Math.max(MIN_SLICE, 2 ** Math.ceil(Math.log2(n.members.length + RESERVED_ADDRESSES))),
    }))
    .sort((a, b) => b.length - a.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const total = needs.reduce((sum, n) => sum + n.length, 0);
  if (total > size) {
    const counts = networks.map((n) => `${n.key}: ${n.members.length}`).join(', ');
    return {
      ok: false,
      message:
        `the preview's ${networks.length} network(s) (${counts} service(s)) need ${total} ` +
        `addresses, but its subnet ${cidr.text} has ${size}: use fewer networks, or ask the ` +
        `operator for larger preview subnets (a smaller SUBNET_PREFIX_LENGTH, e.g. ${Math.max(cidr.prefix - 1, 1)})`,
    };
  }
  const slices: Record<string, NetworkSlice> = {};
  let offset = 0;
  for (const need of needs) {
    slices[need.key] = slice(offset, need.length);
    offset += need.length;
  }
  return { ok: true, slices };
}
