// Pure: in which order teardown removes an environment's ledger rows, and what it leaves alone.

import type { Resource, ResourceKind } from '@berth/db';

/**
 * Routes first (the gateway stops sending traffic before the target disappears), then the DNS
 * records of those hosts, then containers (they hold volumes, network endpoints and the secret scope's values), then the
 * secret scope, then volumes, then networks, and last the networks' subnets: a range goes back
 * to the pool only once no network uses it.
 */
export const REMOVAL_ORDER = [
  'route',
  'dns_record',
  'container',
  'secret',
  'volume',
  'network',
  'subnet',
] as const;
export type RemovableKind = (typeof REMOVAL_ORDER)[number];

/** Kinds no driver removes yet: teardown reports them instead of pretending they are gone. */
export const UNSUPPORTED_KINDS: readonly ResourceKind[] = ['database'];

export interface TeardownPlan {
  /** Per kind, in REMOVAL_ORDER. */
  steps: { kind: RemovableKind; rows: Resource[] }[];
  unsupported: Resource[];
  /** Images are shared, content-addressed caches: never removed by an environment's teardown. */
  shared: Resource[];
}

export function teardownPlan(rows: readonly Resource[]): TeardownPlan {
  const steps = REMOVAL_ORDER.map((kind) => ({
    kind,
    rows: rows.filter((r) => r.kind === kind),
  }));
  return {
    steps,
    unsupported: rows.filter((r) => UNSUPPORTED_KINDS.includes(r.kind)),
    shared: rows.filter((r) => r.kind === 'image'),
  };
}
