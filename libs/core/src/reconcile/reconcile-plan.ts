// Pure: what the reconciler removes from one Docker host (and from the cloud providers: Route 53
// records, Secrets Manager secrets) and which ledger rows it marks stale, from what the
// providers hold under Berth's marks, what the ledger records and which environments are live.
// No I/O: the Reconciler (libs/lifecycle/src/reconcile) observes, this decides, the Reconciler
// acts, and a dry run prints this very plan. See docs/decisions/0018-reconciler.md.

import { type Cidr, cidrsOverlap, parseCidr } from '../network/cidr.js';
import { baseStateRetention, type BaseStateCapture } from './base-state-retention.js';

/** Objects the reconciler lists and may remove: Docker's, a preview host's DNS records, a PR scope's secret. */
export type ReconcileObjectKind = 'container' | 'volume' | 'network' | 'dns_record' | 'secret';
/** What it may remove: those objects, and subnet rows (the range goes back to SUBNET_POOL). */
export type ReconcileKind = ReconcileObjectKind | 'subnet';

/**
 * Removal order: containers hold volumes and network endpoints; a range is free once no network
 * uses it. DNS records and secrets depend on nothing on the host: they go last.
 */
export const RECONCILE_ORDER: readonly ReconcileKind[] = [
  'container',
  'volume',
  'network',
  'subnet',
  'dns_record',
  'secret',
];

/** The Docker kinds, listed on every run. */
export const DOCKER_OBJECT_KINDS: readonly ReconcileObjectKind[] = [
  'container',
  'volume',
  'network',
];

export type LedgerRowState = 'planned' | 'created' | 'deleting' | 'deleted' | 'failed';

/** A ledger row of this host (provider docker): a Docker object or a subnet of the pool. */
export interface ReconcileLedgerRow {
  id: string;
  kind: string;
  name: string;
  environmentId: string | null;
  state: LedgerRowState;
  createdAt: Date;
  updatedAt: Date;
  /** A base state of the base environment (metadata.baseState): listed apart in the report. */
  baseState?: boolean;
  /** A complete base-state capture (state created, metadata.baseState): kept newest first. */
  capture?: BaseStateCapture;
}

/**
 * An object carrying Berth's marks: `berth.managed=true` on Docker, the `berth:managed=true` tag
 * on a secret, an ownership TXT with `heritage=berth` beside a DNS record.
 */
export interface ReconcileObject {
  kind: ReconcileObjectKind;
  name: string;
  /** Its `berth.env` label (`owner/repo#pr`), if any. */
  envLabel?: string;
  /** The environment id its mark names (a secret's `berth:environment` tag, a TXT's owner). */
  envId?: string;
  /**
   * When it was made (or last changed); unknown for DNS records. An object of unknown age with
   * no ledger row is timed from the run that first sees it (`sight`): it gets a row then.
   */
  createdAt?: Date;
  /** A copy of a base environment's database volume (label `berth.volume=base-state`). */
  baseState?: boolean;
}

/** A network on the host, Berth's or not: which address ranges are in use. */
export interface HostNetwork {
  name: string;
  subnets: readonly string[];
}

/**
 * An environment the ledger or a label points at. Environments not listed do not exist (the
 * row was deleted): whatever points at them is unowned.
 */
export interface ReconcileEnvironment {
  id: string;
  /** `owner/repo#pr`, as the `berth.env` label carries it. */
  envLabel: string;
  state: string;
  /** Holds an unexpired stage lease: a stage is acting on it right now. */
  leased: boolean;
}

export interface ReconcileInput {
  ledger: readonly ReconcileLedgerRow[];
  objects: readonly ReconcileObject[];
  /**
   * The kinds whose inventory was taken: only their rows can be stale. Default: the Docker kinds
   * (a provider not configured, or not listed this run, says nothing about its rows).
   */
  listed?: readonly ReconcileObjectKind[];
  /** Base-state captures kept per base environment and database service (BASE_STATES_KEPT); unset: all. */
  baseStatesKept?: number;
  /** Every network on the host (for subnet rows); defaults to the labelled ones in `objects`. */
  hostNetworks?: readonly HostNetwork[];
  environments: readonly ReconcileEnvironment[];
  now: Date;
  /** Nothing made or touched more recently than this is removed or marked. */
  graceMs: number;
}

/** Why a removal is planned. */
export type OrphanReason =
  /** Every environment pointing at it is closed (destroying with no stage running, destroyed, skipped). */
  | 'environment-closed'
  /** It points at an environment that no longer exists. */
  | 'environment-gone'
  /** Nothing points at it: no ledger row with an owner, no `berth.env` label. */
  | 'unowned'
  /** A base-state volume of a live base environment that no complete capture row records. */
  | 'base-state-untracked'
  /** A complete base state older than the newest BASE_STATES_KEPT of its service. */
  | 'base-state-surplus';

export interface PlannedRemoval {
  kind: ReconcileKind;
  name: string;
  reason: OrphanReason;
  /** Its ledger row, when it has one; else the reconciler records it (owner null) first. */
  ledgerId?: string;
  environmentId: string | null;
  envLabel?: string;
  /** The environment its tag or ownership TXT names. */
  envId?: string;
  baseState?: boolean;
}

export interface StaleRow {
  id: string;
  kind: string;
  name: string;
  state: LedgerRowState;
  environmentId: string | null;
  baseState?: boolean;
}

/** An object of unknown age that no row records: recorded now (owner null), timed from now. */
export interface Sighting {
  kind: ReconcileObjectKind;
  name: string;
  envLabel?: string;
  envId?: string;
}

/** How an environment stands for the reconciler. */
export type OwnerStatus = 'busy' | 'live' | 'closed' | 'gone';

export interface ReconcilePlan {
  /** In RECONCILE_ORDER. */
  remove: PlannedRemoval[];
  /** Rows (not deleted) whose object is gone: marked deleted. */
  markStale: StaleRow[];
  /** First sightings of objects of unknown age: recorded, removed a grace period later if still orphans. */
  sight: Sighting[];
  /** Objects (and subnet rows) left alone, by why. */
  kept: {
    /** A live environment owns it. */
    live: number;
    /** Its environment is building, provisioning or under a stage lease. */
    busy: number;
    /** Made, or its row touched, less than the grace period ago (or its age is unknown). */
    young: number;
    /** Subnet rows of closed environments whose range a network still uses (not removed now). */
    held: number;
  };
  /** Objects a live environment's label claims but no ledger row records (teardown sweeps them). */
  unrecorded: number;
}

const BUSY_STATES = new Set(['building', 'provisioning']);
/** Closed: the PR is gone or skipped; nothing of it should outlive the grace period. */
const CLOSED_STATES = new Set(['destroying', 'destroyed', 'skipped']);

export function ownerStatus(environment: ReconcileEnvironment | undefined): OwnerStatus {
  if (!environment) return 'gone';
  if (environment.leased || BUSY_STATES.has(environment.state)) return 'busy';
  return CLOSED_STATES.has(environment.state) ? 'closed' : 'live';
}

const RANK: Record<OwnerStatus, number> = { busy: 3, live: 2, closed: 1, gone: 0 };

/** The strongest claim wins: one live owner keeps an object whatever the others say. */
function strongest(statuses: OwnerStatus[]): OwnerStatus | undefined {
  return statuses.reduce<OwnerStatus | undefined>(
    (best, s) => (best === undefined || RANK[s] > RANK[best] ? s : best),
    undefined,
  );
}

const key = (kind: string, name: string) => `${kind}\u0000${name}`;

export function reconcilePlan(input: ReconcileInput): ReconcilePlan {
  const cutoff = input.now.getTime() - input.graceMs;
  const byId = new Map(input.environments.map((e) => [e.id, e]));
  const byLabel = new Map(input.environments.map((e) => [e.envLabel, e]));
  const rows = new Map<string, ReconcileLedgerRow>();
  for (const row of input.ledger) {
    // One row per (kind, name) on a host (the ledger's unique key); keep the newest if not.
    const k = key(row.kind, row.name);
    const seen = rows.get(k);
    if (!seen || seen.updatedAt < row.updatedAt) rows.set(k, row);
  }
  const plan: ReconcilePlan = {
    remove: [],
    markStale: [],
    sight: [],
    kept: { live: 0, busy: 0, young: 0, held: 0 },
    unrecorded: 0,
  };
  const old = (at: Date | undefined) => at !== undefined && at.getTime() <= cutoff;
  const present = new Set(input.objects.map((o) => key(o.kind, o.name)));
  const retention = baseStateRetention(
    [...rows.values()].filter((r) => r.kind === 'volume' && present.has(key(r.kind, r.name))),
    input.baseStatesKept,
  );

  // Objects the providers hold.
  const removedNetworks = new Set<string>();
  for (const object of input.objects) {
    const row = rows.get(key(object.kind, object.name));
    const rowOwner = row?.environmentId ? byId.get(row.environmentId) : undefined;
    const labelOwner = object.envLabel ? byLabel.get(object.envLabel) : undefined;
    const markOwner = object.envId ? byId.get(object.envId) : undefined;
    const claims: OwnerStatus[] = [];
    if (row?.environmentId) claims.push(ownerStatus(rowOwner));
    if (object.envLabel) claims.push(ownerStatus(labelOwner));
    if (object.envId) claims.push(ownerStatus(markOwner));
    const status = strongest(claims);
    if (status === 'busy') {
      plan.kept.busy += 1;
      continue;
    }
    const baseState = object.baseState === true || row?.baseState === true;
    let reason: OrphanReason | undefined;
    if (status === 'live') {
      // A live base environment owns its complete, kept captures, not every copy it labelled.
      reason = baseState ? retention.reasonFor(row) : undefined;
      if (!reason) {
        plan.kept.live += 1;
        if (!row || row.state === 'deleted') plan.unrecorded += 1;
        continue;
      }
    }
    if (object.createdAt === undefined && !row) {
      // Nothing says how old it is: the run that first sees it records it, and times it.
      plan.kept.young += 1;
      plan.sight.push({
        kind: object.kind,
        name: object.name,
        ...(object.envLabel ? { envLabel: object.envLabel } : {}),
        ...(object.envId ? { envId: object.envId } : {}),
      });
      continue;
    }
    const made = object.createdAt === undefined || old(object.createdAt);
    if (!made || (row && !old(row.updatedAt))) {
      plan.kept.young += 1;
      continue;
    }
    plan.remove.push({
      kind: object.kind,
      name: object.name,
      reason: reason ?? reasonFor(status),
      ...(row ? { ledgerId: row.id } : {}),
      environmentId: row ? row.environmentId : (labelOwner?.id ?? markOwner?.id ?? null),
      ...(object.envLabel ? { envLabel: object.envLabel } : {}),
      ...(object.envId ? { envId: object.envId } : {}),
      ...(baseState ? { baseState: true } : {}),
    });
    if (object.kind === 'network') removedNetworks.add(object.name);
  }

  // Ledger rows of objects the providers no longer hold (only kinds listed this run).
  const listed = new Set<string>(input.listed ?? DOCKER_OBJECT_KINDS);
  for (const row of rows.values()) {
    if (!listed.has(row.kind) || row.state === 'deleted') continue;
    if (present.has(key(row.kind, row.name))) continue;
    const owner = row.environmentId ? byId.get(row.environmentId) : undefined;
    if (row.environmentId && ownerStatus(owner) === 'busy') continue;
    if (!old(row.updatedAt)) continue;
    plan.markStale.push({
      id: row.id,
      kind: row.kind,
      name: row.name,
      state: row.state,
      environmentId: row.environmentId,
      ...(row.baseState ? { baseState: true } : {}),
    });
  }

  // Subnet rows: a range of a closed or vanished environment goes back to the pool once no
  // network (Berth's or not) still uses it, or once the networks using it are removed too.
  const networks: HostNetwork[] = [
    ...(input.hostNetworks ??
      input.objects
        .filter((o) => o.kind === 'network')
        .map((o) => ({ name: o.name, subnets: [] }))),
  ];
  const inUse = networks.flatMap((n) =>
    removedNetworks.has(n.name) ? [] : n.subnets.flatMap((s) => parsed(s)),
  );
  for (const row of rows.values()) {
    if (row.kind !== 'subnet' || row.state === 'deleted') continue;
    const owner = row.environmentId ? byId.get(row.environmentId) : undefined;
    const status = row.environmentId ? ownerStatus(owner) : 'gone';
    if (status === 'busy') {
      plan.kept.busy += 1;
      continue;
    }
    if (status === 'live') {
      plan.kept.live += 1;
      continue;
    }
    if (!old(row.updatedAt)) {
      plan.kept.young += 1;
      continue;
    }
    const range = parsed(row.name)[0];
    if (!range || inUse.some((used) => cidrsOverlap(used, range))) {
      plan.kept.held += 1;
      continue;
    }
    plan.remove.push({
      kind: 'subnet',
      name: row.name,
      reason: reasonFor(row.environmentId ? status : undefined),
      ledgerId: row.id,
      environmentId: row.environmentId,
    });
  }

  const order = (a: { kind: string; name: string }, b: { kind: string; name: string }) =>
    RECONCILE_ORDER.indexOf(a.kind as ReconcileKind) -
      RECONCILE_ORDER.indexOf(b.kind as ReconcileKind) || a.name.localeCompare(b.name);
  plan.remove.sort(order);
  plan.markStale.sort(order);
  return plan;
}

function reasonFor(status: OwnerStatus | undefined): OrphanReason {
  if (status === undefined) return 'unowned';
  return status === 'closed' ? 'environment-closed' : 'environment-gone';
}

function parsed(text: string): Cidr[] {
  try {
    return [parseCidr(text, { allowHostBits: true })];
  } catch {
    return []; // IPv6 or a malformed name: not one of the pool's ranges
  }
}

/** Built images: reported, never removed by the reconciler (the image GC owns disk). */
export interface ImageInventory {
  total: number;
  /** Tagged with a ledger row of kind image. */
  recorded: number;
  /** Carrying Berth's marks with no ledger row (built by hand, or before the ledger knew images). */
  unrecorded: number;
  /** Their own bytes (layers no other image shares) where the host says, else full sizes. */
  bytes: number;
}

export function imageInventory(
  images: readonly { tags: readonly string[]; sizeBytes: number; ownBytes?: number }[],
  recordedTags: ReadonlySet<string>,
): ImageInventory {
  let recorded = 0;
  let bytes = 0;
  for (const image of images) {
    if (image.tags.some((t) => recordedTags.has(t))) recorded += 1;
    bytes += image.ownBytes ?? image.sizeBytes;
  }
  return { total: images.length, recorded, unrecorded: images.length - recorded, bytes };
}
