// The reconciler (issue 11, "zero orphans"): observe what one Docker host holds under Berth's
// marks (and what Route 53 and Secrets Manager hold under them, when configured) and what the
// ledger records there → compare (reconcilePlan in @berth/core) → remove what no live
// environment owns and mark stale rows deleted → record every act in the ledger and the run in a
// report. A dry run stops after the compare and reports the same plan.
// docs/decisions/0018-reconciler.md.

import {
  type ImageInventory,
  imageInventory,
  type ImageRemoval,
  type ImageRetentionPlan,
  planImageRetention,
  LABEL_ENV,
  LABEL_MANAGED,
  ownerStatus,
  type PlannedRemoval,
  type ReconcileEnvironment,
  type ReconcileKind,
  type ReconcileObject,
  type ReconcilePlan,
  reconcilePlan,
  RECONCILE_ORDER,
  type Sighting,
  type StaleRow,
  DOCKER_OBJECT_KINDS,
} from '@berth/core';
import type { LedgerTarget, ReconcileQueries, ReconcileRow } from '@berth/db';
import type { ContainerHost, Labels, LabelledResources, ListedImage } from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import type { Logger } from 'pino';
import { BASE_STATE_LABEL, BASE_STATES_KEPT } from '../replicate/base-states.js';
import {
  type CloudObservation,
  type CloudReconcile,
  cloudTarget,
  observeCloud,
  removeCloudObject,
} from './cloud-inventory.js';

export interface ReconcilerDeps {
  host: ContainerHost;
  /** Over this host's ledger rows (DOCKER_HOST_NAME). */
  queries: ReconcileQueries;
  /** Nothing made or touched more recently is removed or marked (RECONCILE_GRACE_S). */
  graceMs: number;
  /**
   * One real run per host at a time across every worker (a Redis lock). Without it runs are
   * still safe (every act is conditional and idempotent), only possibly doubled.
   */
  lock?: ShortLock;
  /** How long the lock is held at most (a crashed worker's lock lapses); default 10 minutes. */
  lockTtlMs?: number;
  /**
   * Labels every object must carry besides `berth.managed=true`. Production leaves it empty;
   * tests and benchmarks on a shared engine scope the reconciler to what they made.
   */
  scope?: Labels;
  /** Docker removals in flight at once, per kind; default 4. */
  concurrency?: number;
  logger: Logger;
  now?: () => Date;
  /** Called with the report of every run that looked (metrics). */
  onReport?: (report: ReconcileReport) => void;
  /** Built images' retention (disk stays bounded); unset: images are only reported. */
  images?: ImageRetentionSettings;
  /**
   * Route 53 records and Secrets Manager secrets under Berth's marks. They belong to no Docker
   * host: a real run reconciles them under one more lock (`reconcile-cloud`), so with several
   * hosts one run at a time does; a run that does not get it leaves them for the next.
   */
  cloud?: CloudReconcile;
  /** Base-state captures kept per base environment and service; default BASE_STATES_KEPT. */
  baseStatesKept?: number;
}

export interface ImageRetentionSettings {
  /** Unused this long: removed (IMAGE_RETENTION_H). */
  retentionMs: number;
  /** Newest kept per repository and service, used or not (IMAGE_KEEP_PER_SERVICE). */
  keepPerService: number;
  /** Total bytes of Berth's images to stay under (IMAGE_BUDGET_MB); 0: none. */
  budgetBytes: number;
}

export interface ReconcileInventory {
  containers: number;
  volumes: number;
  networks: number;
  /** Subnet rows of this host not deleted. */
  subnets: number;
  /** Base-state volumes of base environments (ledger rows with metadata.baseState). */
  baseStates: number;
  /** Preview hosts in Route 53 under Berth's ownership TXT (0: not listed this run). */
  dnsRecords: number;
  /** Secrets Manager secrets tagged berth:managed=true (0: not listed this run). */
  secrets: number;
  /** Ledger rows of this host the reconciler compared (Docker objects and subnets). */
  ledgerRows: number;
  /** Reported only: image retention belongs to the image GC, not to the reconciler. */
  images: ImageInventory;
}

export interface ReconcileFailure {
  kind: ReconcileKind | 'image';
  name: string;
  error: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  /** The Docker host (ledger host) reconciled. */
  host: string;
  startedAt: string;
  durationMs: number;
  graceSeconds: number;
  /** Set when nothing was done: another worker held this host's reconcile lock. */
  skipped?: string;
  /** Set when Route 53 and Secrets Manager were left out: another worker was reconciling them. */
  cloudSkipped?: string;
  inventory: ReconcileInventory;
  /** A dry run: what a real run would remove now. A real run: what it removed. */
  removals: PlannedRemoval[];
  /** `removals` counted per kind. */
  removalsByKind: Partial<Record<ReconcileKind, number>>;
  /**
   * Objects of unknown age (DNS records) no row recorded, first seen now: a real run records them
   * (owner null) and removes them a grace period later if nothing claims them (a dry run: would).
   */
  sightings: Sighting[];
  /** Ledger rows whose object is gone: marked deleted (a dry run: would be). */
  staleRows: StaleRow[];
  kept: ReconcilePlan['kept'];
  /** Objects a live environment's label claims that no ledger row records. */
  unrecorded: number;
  /** Planned removals not made: the owner came back to life, or a row changed meanwhile. */
  deferred: PlannedRemoval[];
  failures: ReconcileFailure[];
  /** Orphans the plan found that are still on the host after this run (a dry run: all). */
  orphansLeft: number;
  /** Built images let go (a dry run: would be), when image retention is on. */
  imageRemovals: ImageRemoval[];
  /** Bytes of Berth's images left on the host (a dry run: that would be). */
  imageBytesKept: number;
}

interface Observation {
  listed: LabelledResources;
  cloud?: CloudObservation;
  objects: ReconcileObject[];
  rows: ReconcileRow[];
  environments: ReconcileEnvironment[];
  plan: ReconcilePlan;
  inventory: ReconcileInventory;
  images?: { plan: ImageRetentionPlan; rowsByTag: Map<string, string[]> };
}

export class Reconciler {
  private readonly now: () => Date;

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get host(): string {
    return this.deps.queries.host;
  }

  /** Lists, compares and reports; changes nothing. */
  dryRun(): Promise<ReconcileReport> {
    return this.run({ dryRun: true });
  }

  async run(options: { dryRun?: boolean } = {}): Promise<ReconcileReport> {
    const dryRun = options.dryRun ?? false;
    const started = performance.now();
    const startedAt = this.now();
    const lockKey = `reconcile-${this.host}`;
    const token =
      !dryRun && this.deps.lock
        ? await this.deps.lock.acquire(lockKey, this.deps.lockTtlMs ?? 10 * 60_000)
        : undefined;
    if (!dryRun && this.deps.lock && token === undefined) {
      return this.finish(
        emptyReport(dryRun, this.host, startedAt, this.deps.graceMs, started),
        'another worker is reconciling this host',
      );
    }
    let cloudToken: string | undefined;
    try {
      // The cloud's objects belong to no host: one real run at a time takes them on.
      cloudToken =
        !dryRun && this.deps.cloud && this.deps.lock
          ? await this.deps.lock.acquire(CLOUD_LOCK, this.deps.lockTtlMs ?? 10 * 60_000)
          : undefined;
      const withCloud =
        this.deps.cloud !== undefined && (dryRun || !this.deps.lock || cloudToken !== undefined);
      const seen = await this.observe(startedAt, withCloud);
      const report: ReconcileReport = {
        ...emptyReport(dryRun, this.host, startedAt, this.deps.graceMs, started),
        inventory: seen.inventory,
        kept: seen.plan.kept,
        unrecorded: seen.plan.unrecorded,
      };
      if (this.deps.cloud && !withCloud) {
        report.cloudSkipped = 'another worker is reconciling Route 53 and Secrets Manager';
      }
      for (const { kind, error } of seen.cloud?.errors ?? []) {
        report.failures.push({ kind, name: '(listing)', error });
      }
      report.imageBytesKept = seen.inventory.images.bytes;
      if (dryRun) {
        report.removals = seen.plan.remove;
        report.staleRows = seen.plan.markStale;
        report.sightings = seen.plan.sight;
        report.orphansLeft = seen.plan.remove.length;
        if (seen.images) {
          report.imageRemovals = seen.images.plan.remove;
          report.imageBytesKept = seen.images.plan.keptBytes;
        }
      } else {
        await this.act(seen, report);
        if (seen.images) await this.collectImages(seen.images, report);
        report.orphansLeft = seen.plan.remove.length - report.removals.length;
      }
      report.removalsByKind = byKind(report.removals);
      report.durationMs = Math.round(performance.now() - started);
      return this.finish(report);
    } finally {
      if (cloudToken !== undefined) {
        await this.deps.lock?.release(CLOUD_LOCK, cloudToken).catch(() => undefined);
      }
      if (token !== undefined) await this.deps.lock?.release(lockKey, token).catch(() => undefined);
    }
  }

  private finish(report: ReconcileReport, skipped?: string): ReconcileReport {
    if (skipped) report.skipped = skipped;
    const acted = report.removals.length + report.staleRows.length + report.failures.length;
    const log = { ...summary(report), host: report.host, dryRun: report.dryRun };
    if (report.failures.length > 0) {
      this.deps.logger.warn({ ...log, failures: report.failures }, 'reconcile left orphans');
    } else if (!report.dryRun && acted > 0) {
      this.deps.logger.info(log, 'reconciled the host');
    } else {
      this.deps.logger.debug(log, 'reconcile run');
    }
    if (!skipped) this.deps.onReport?.(report);
    return report;
  }

  private async observe(now: Date, withCloud: boolean): Promise<Observation> {
    const selector = { ...this.deps.scope, [LABEL_MANAGED]: 'true' };
    const [listed, images, hostNetworks, imageTags, cloud] = await Promise.all([
      this.deps.host.listByLabels(selector),
      this.listImages(selector),
      this.deps.host.listNetworks(),
      this.deps.queries.imageTags(),
      withCloud && this.deps.cloud
        ? observeCloud(this.deps.cloud, this.deps.queries)
        : Promise.resolve(undefined),
    ]);
    const hostObjects: ReconcileObject[] = [
      ...listed.containers.map((c) => toObject('container', c.name, c.labels, c.createdAt)),
      ...listed.volumes.map((v) => toObject('volume', v.name, v.labels, v.createdAt)),
      ...listed.networks.map((n) => toObject('network', n.name, n.labels, n.createdAt)),
    ];
    const objects = [...hostObjects, ...(cloud?.objects ?? [])];
    const rows = [...(await this.deps.queries.rows(hostObjects)), ...(cloud?.rows ?? [])];
    const environments = await this.deps.queries.environments(
      [
        ...rows.flatMap((r) => (r.environmentId ? [r.environmentId] : [])),
        ...objects.flatMap((o) => (o.envId ? [o.envId] : [])),
      ],
      objects.flatMap((o) => (o.envLabel ? [o.envLabel] : [])),
    );
    const plan = reconcilePlan({
      ledger: rows,
      objects,
      listed: [...DOCKER_OBJECT_KINDS, ...(cloud?.listed ?? [])],
      hostNetworks,
      environments,
      now,
      graceMs: this.deps.graceMs,
      baseStatesKept: this.deps.baseStatesKept ?? BASE_STATES_KEPT,
    });
    const live = rows.filter((r) => r.state !== 'deleted');
    const retention = this.deps.images
      ? await this.imageRetention(this.deps.images, images, listed, now)
      : undefined;
    return {
      ...(retention ? { images: retention } : {}),
      ...(cloud ? { cloud } : {}),
      listed,
      objects,
      rows,
      environments,
      plan,
      inventory: {
        containers: listed.containers.length,
        volumes: listed.volumes.length,
        networks: listed.networks.length,
        subnets: live.filter((r) => r.kind === 'subnet').length,
        baseStates: live.filter((r) => r.baseState).length,
        dnsRecords: cloud?.counts.dnsRecords ?? 0,
        secrets: cloud?.counts.secrets ?? 0,
        ledgerRows: live.length,
        images: imageInventory(images, imageTags),
      },
    };
  }

  /**
   * Berth's images, each with its own bytes when image retention is on: the engine's list
   * answers SharedSize only from API 1.42, and `docker system df` answers it on every version.
   */
  private async listImages(selector: Labels): Promise<(ListedImage & { ownBytes?: number })[]> {
    const [images, usage] = await Promise.all([
      this.deps.host.listImagesByLabels(selector),
      this.deps.images ? this.deps.host.diskUsage() : Promise.resolve(undefined),
    ]);
    const own = new Map<string, number>();
    for (const image of usage?.images ?? []) {
      const shared = image.sharedBytes ?? -1;
      if (shared >= 0) own.set(image.id, Math.max(0, image.sizeBytes - shared));
    }
    return images.map((image) => {
      const bytes = own.get(image.id);
      return bytes === undefined ? image : { ...image, ownBytes: bytes };
    });
  }

  /** Which built images can go: unused past retention, or over the budget (core decides). */
  private async imageRetention(
    settings: ImageRetentionSettings,
    images: readonly (ListedImage & { ownBytes?: number })[],
    listed: LabelledResources,
    now: Date,
  ): Promise<ReconcilerImages> {
    const [rows, liveTags] = await Promise.all([
      this.deps.queries.imageRows(),
      this.deps.queries.liveImageTags(),
    ]);
    const rowsByTag = new Map<string, string[]>();
    const usedAt = new Map<string, number>();
    const base = new Set<string>();
    for (const row of rows) {
      rowsByTag.set(row.tag, [...(rowsByTag.get(row.tag) ?? []), row.id]);
      usedAt.set(row.tag, Math.max(usedAt.get(row.tag) ?? 0, row.usedAt.getTime()));
      if (row.base) base.add(row.tag);
    }
    const inUse = new Set([...liveTags, ...listed.containers.map((c) => c.image)]);
    const plan = planImageRetention({
      images: images.map((image) => {
        const used = Math.max(0, ...image.tags.map((t) => usedAt.get(t) ?? 0));
        const created = image.createdAt ? new Date(image.createdAt) : undefined;
        const repository = image.labels['berth.repo'];
        const service = image.labels['berth.service'];
        return {
          id: image.id,
          tags: image.tags,
          ...(repository ? { repository } : {}),
          ...(service ? { service } : {}),
          sizeBytes: image.sizeBytes,
          ...(image.ownBytes === undefined ? {} : { ownBytes: image.ownBytes }),
          ...(created ? { createdAt: created } : {}),
          ...(used > 0 ? { lastUsedAt: new Date(used) } : created ? { lastUsedAt: created } : {}),
          base: image.tags.some((t) => base.has(t)),
        };
      }),
      inUse,
      now,
      retentionMs: settings.retentionMs,
      graceMs: this.deps.graceMs,
      keepPerService: settings.keepPerService,
      budgetBytes: settings.budgetBytes,
    });
    return { plan, rowsByTag };
  }

  private async collectImages(images: ReconcilerImages, report: ReconcileReport): Promise<void> {
    // A build may have picked one up since the look: ask again right before removing.
    const live = await this.deps.queries.liveImageTags();
    const at = this.now().toISOString();
    let removedBytes = 0;
    for (const removal of images.plan.remove) {
      if (removal.tags.some((t) => live.has(t))) continue;
      try {
        for (const tag of removal.tags.length > 0 ? removal.tags : [removal.id]) {
          await this.deps.host.removeImage(tag);
        }
        await this.deps.queries.imagesRemoved(
          removal.tags.flatMap((t) => images.rowsByTag.get(t) ?? []),
          { at, note: `image removed (${removal.reason})` },
        );
        report.imageRemovals.push(removal);
        removedBytes += removal.ownBytes;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failures.push({
          kind: 'image',
          name: removal.tags[0] ?? removal.id,
          error: message,
        });
      }
    }
    report.imageBytesKept = report.inventory.images.bytes - removedBytes;
  }

  private async act(seen: Observation, report: ReconcileReport): Promise<void> {
    const { queries } = this.deps;
    const at = this.now().toISOString();
    const rows = new Map(seen.rows.map((r) => [r.id, r]));

    // A stage may have started since the look: ask again, right before touching anything.
    const owners = await queries.environments(
      seen.plan.remove.flatMap((r) => [
        ...(r.environmentId ? [r.environmentId] : []),
        ...(r.envId ? [r.envId] : []),
      ]),
      seen.plan.remove.flatMap((r) => (r.envLabel ? [r.envLabel] : [])),
    );
    const byId = new Map(owners.map((e) => [e.id, e]));
    const byLabel = new Map(owners.map((e) => [e.envLabel, e]));
    const stillOrphan = (r: PlannedRemoval) => {
      const claims = [
        r.environmentId ? byId.get(r.environmentId) : undefined,
        r.envId ? byId.get(r.envId) : undefined,
        r.envLabel ? byLabel.get(r.envLabel) : undefined,
      ];
      // A base state its live base environment no longer keeps goes unless a stage is at work
      // (a capture or a prune of its own); anything else only once every owner is closed.
      return r.reason === 'base-state-untracked' || r.reason === 'base-state-surplus'
        ? claims.every((e) => e === undefined || ownerStatus(e) !== 'busy')
        : claims.every((e) => e === undefined || ownerStatus(e) === 'closed');
    };

    const removeKind = async (kind: ReconcileKind) => {
      const batch = seen.plan.remove.filter((r) => r.kind === kind);
      const target = this.targetOf(kind);
      // Route 53 removals all at once: the driver coalesces them into a few ChangeBatches per
      // zone (one in flight at a time) and retries throttling; one call per host keeps each
      // host's outcome its own.
      const lanes = kind === 'dns_record' ? DNS_REMOVALS_AT_ONCE : (this.deps.concurrency ?? 4);
      await eachLimited(batch, lanes, async (removal) => {
        if (!stillOrphan(removal)) {
          report.deferred.push(removal);
          return;
        }
        const note = { at, note: `orphan removed (${removal.reason})` };
        const row = removal.ledgerId ? rows.get(removal.ledgerId) : undefined;
        let id: string | undefined;
        if (kind === 'subnet') {
          // Nothing on the host: the range is free once its row is deleted.
          const marked = row
            ? await queries.markDeleted([row], { at, note: `range released (${removal.reason})` })
            : [];
          if (marked.length === 1) report.removals.push(removal);
          else report.deferred.push(removal);
          return;
        }
        if (row) {
          if (await queries.claimForRemoval(row.id, row.updatedAt, note)) id = row.id;
        } else {
          id = await queries.recordOrphan(
            kind,
            removal.name,
            {
              ...note,
              ...(removal.envLabel ? { envLabel: removal.envLabel } : {}),
              ...(removal.envId ? { envId: removal.envId } : {}),
            },
            target,
          );
        }
        if (id === undefined) {
          report.deferred.push(removal);
          return;
        }
        try {
          await this.removeObject(seen, kind, removal.name);
          await queries.removed(id);
          report.removals.push(removal);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          report.failures.push({ kind, name: removal.name, error: message });
          await queries.removalFailed(id, message).catch(() => undefined);
        }
      });
    };
    // The host's kinds in RECONCILE_ORDER (each frees what the next needs); DNS records and
    // secrets depend on nothing there, so they go meanwhile.
    const hostKinds = RECONCILE_ORDER.filter((k) => !CLOUD_KINDS.has(k));
    await Promise.all([
      (async () => {
        for (const kind of hostKinds) await removeKind(kind);
      })(),
      ...RECONCILE_ORDER.filter((k) => CLOUD_KINDS.has(k)).map(removeKind),
    ]);

    const marked = await queries.markDeleted(
      seen.plan.markStale.flatMap((s) => {
        const row = rows.get(s.id);
        return row ? [row] : [];
      }),
      { at, note: 'object gone from the host' },
    );
    // First sightings: a row (owner null) whose updated_at times the object from now on.
    await eachLimited(seen.plan.sight, this.deps.concurrency ?? 4, async (sighting) => {
      const id = await queries.recordSighting(
        sighting.kind,
        sighting.name,
        {
          at,
          note: 'seen under Berth’s marks with no ledger row; timed from now',
          ...(sighting.envLabel ? { envLabel: sighting.envLabel } : {}),
          ...(sighting.envId ? { envId: sighting.envId } : {}),
        },
        this.targetOf(sighting.kind),
      );
      if (id !== undefined) report.sightings.push(sighting);
    });
    const sightingOrder = new Map(seen.plan.sight.map((x, i) => [`${x.kind}:${x.name}`, i]));
    report.sightings.sort(
      (a, b) =>
        (sightingOrder.get(`${a.kind}:${a.name}`) ?? 0) -
        (sightingOrder.get(`${b.kind}:${b.name}`) ?? 0),
    );
    // In the plan's order (the database returns marked ids in any order): a real run reports
    // its stale rows exactly as the dry run listed them.
    const markedIds = new Set(marked);
    report.staleRows = seen.plan.markStale.filter((s) => markedIds.has(s.id));
    report.removals.sort(
      (a, b) =>
        RECONCILE_ORDER.indexOf(a.kind) - RECONCILE_ORDER.indexOf(b.kind) ||
        a.name.localeCompare(b.name),
    );
  }

  /** The ledger provider and host of a kind's rows (Docker's on this host, the cloud's on theirs). */
  private targetOf(kind: ReconcileKind): LedgerTarget {
    if ((kind === 'dns_record' || kind === 'secret') && this.deps.cloud) {
      return cloudTarget(this.deps.cloud, kind);
    }
    return { provider: 'docker', host: this.host };
  }

  private removeObject(seen: Observation, kind: ReconcileKind, name: string): Promise<void> {
    const { host } = this.deps;
    if (kind === 'container') return host.removeContainer(name);
    if (kind === 'volume') return host.removeVolume(name);
    if (kind === 'network') return host.removeNetwork(name);
    if ((kind === 'dns_record' || kind === 'secret') && this.deps.cloud && seen.cloud) {
      return removeCloudObject(this.deps.cloud, seen.cloud, kind, name);
    }
    return Promise.reject(new Error(`the reconciler cannot remove a ${kind} here`));
  }
}

/** The lock a real run takes to reconcile Route 53 and Secrets Manager (they span every host). */
const CLOUD_LOCK = 'reconcile-cloud';
const CLOUD_KINDS = new Set<ReconcileKind>(['dns_record', 'secret']);
/** Route 53 removals in flight at once, for the driver to coalesce. */
const DNS_REMOVALS_AT_ONCE = 100;

function byKind(removals: readonly PlannedRemoval[]): Partial<Record<ReconcileKind, number>> {
  const counts: Partial<Record<ReconcileKind, number>> = {};
  for (const r of removals) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

export interface ReconcilerImages {
  plan: ImageRetentionPlan;
  rowsByTag: Map<string, string[]>;
}

function toObject(
  kind: ReconcileObject['kind'],
  name: string,
  labels: Labels,
  createdAt: string | undefined,
): ReconcileObject {
  const envLabel = labels[LABEL_ENV];
  const [labelKey, labelValue] = BASE_STATE_LABEL;
  return {
    kind,
    name,
    ...(envLabel ? { envLabel } : {}),
    ...(createdAt ? { createdAt: new Date(createdAt) } : {}),
    ...(kind === 'volume' && labels[labelKey] === labelValue ? { baseState: true } : {}),
  };
}

function emptyReport(
  dryRun: boolean,
  host: string,
  startedAt: Date,
  graceMs: number,
  started: number,
): ReconcileReport {
  return {
    dryRun,
    host,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    graceSeconds: Math.round(graceMs / 1000),
    inventory: {
      containers: 0,
      volumes: 0,
      networks: 0,
      subnets: 0,
      baseStates: 0,
      dnsRecords: 0,
      secrets: 0,
      ledgerRows: 0,
      images: { total: 0, recorded: 0, unrecorded: 0, bytes: 0 },
    },
    removals: [],
    removalsByKind: {},
    sightings: [],
    imageRemovals: [],
    imageBytesKept: 0,
    staleRows: [],
    kept: { live: 0, busy: 0, young: 0, held: 0 },
    unrecorded: 0,
    deferred: [],
    failures: [],
    orphansLeft: 0,
  };
}

/** Counts for logs and metrics. */
export function summary(report: ReconcileReport) {
  return {
    removed: report.removals.length,
    removedByKind: report.removalsByKind,
    stale: report.staleRows.length,
    sighted: report.sightings.length,
    deferred: report.deferred.length,
    failed: report.failures.length,
    orphansLeft: report.orphansLeft,
    kept: report.kept,
    durationMs: report.durationMs,
  };
}

async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
