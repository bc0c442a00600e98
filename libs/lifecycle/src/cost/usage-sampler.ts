// Cost telemetry's usage sampler (issue 11 item 4, docs/decisions/0025-cost-telemetry.md).
// observe: the running containers of this Docker host's environments (Berth's labels), their
// counters read once, and now and then the host's disk → compare: each reading with the
// baseline the last pass kept (core's `containerWindow`) → act/record: advance the baselines
// and add the windows to each environment's day, in one statement that counts a window only if
// its baseline is still the one this pass started from. Two workers, or a pass run twice,
// count every window once. A stopped container is not read, so a sleeping preview costs
// nothing; nothing here changes an environment.

import {
  type ContainerReading,
  containerWindow,
  diskByEnvironment,
  type EnvironmentDisk,
  LABEL_ENV,
  LABEL_MANAGED,
  LABEL_SERVICE,
  NO_USAGE,
  splitByUtcDay,
  type Usage,
} from '@berth/core';
import type {
  CursorAdvance,
  SampledEnvironment,
  ServiceStatusRow,
  ServiceStatusStore,
  UsageAddition,
  UsageBaseline,
  UsageStore,
} from '@berth/db';
import type {
  ContainerHost,
  ContainerUsage,
  DiskUsage,
  Labels,
  ListedContainer,
} from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import type { Logger } from 'pino';

export interface UsageSamplerDeps {
  host: ContainerHost;
  store: UsageStore;
  /** The Docker host's name in the state store (DOCKER_HOST_NAME). */
  dockerHost: string;
  /** Disk is measured at most this often (COST_DISK_INTERVAL_S); the last figure in between. */
  diskIntervalMs: number;
  /**
   * One pass per host at a time across workers, so the engine is asked once. Without it passes
   * are still counted once (the baselines' compare and swap), only read twice.
   */
  lock?: ShortLock;
  lockTtlMs?: number;
  /** Tests and benchmarks on a shared engine: only containers carrying these labels too. */
  scope?: Labels;
  /**
   * Containers read at once (default 32). dockerd answers a stats request, one-shot or not, on
   * its collector's next tick (once a second), so reads in parallel share a tick: 40 containers
   * one at a time take ~40 s, 8 at a time ~5 s, all at once ~1 s.
   */
  concurrency?: number;
  logger: Logger;
  now?: () => number;
  /** Called with the report of every pass that looked (metrics). */
  onReport?: (report: UsageSampleReport) => void;
  /** Where each service's state, health and use are kept for the console (issue 13). */
  statuses?: Pick<ServiceStatusStore, 'replace'>;
}

/** What one repository's previews used in one pass (what this pass counted). */
export interface RepositoryUsage extends Usage {
  repository: string;
}

export interface UsageSampleReport {
  host: string;
  startedAt: string;
  durationMs: number;
  /** Set when nothing was done: another worker held this host's sampling lock. */
  skipped?: string;
  /** Environments with containers on the host (not destroyed). */
  environments: number;
  /** Running containers of those environments that were read. */
  containers: number;
  /** Windows this pass counted (one per container, one per awake environment's disk). */
  recorded: number;
  /** Readings whose window someone else had counted, or no newer than their baseline. */
  alreadyCounted: number;
  /** Running containers that could not be read (stopped meanwhile, an engine error). */
  unreadable: number;
  /** Whether this pass measured the disk (else the last measurement was used). */
  diskMeasured: boolean;
  byRepository: RepositoryUsage[];
}

const DISK_KEY = 'disk:';
/** Baselines of objects gone from the host are forgotten after this long. */
const FORGET_AFTER_MS = 3_600_000;

interface Read {
  environment: SampledEnvironment;
  usage: ContainerUsage;
  reading: ContainerReading;
}

export class UsageSampler {
  private readonly now: () => number;
  private disk: Map<string, EnvironmentDisk> | undefined;
  private diskAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: UsageSamplerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async sample(): Promise<UsageSampleReport> {
    const started = performance.now();
    const report: UsageSampleReport = {
      host: this.deps.dockerHost,
      startedAt: new Date(this.now()).toISOString(),
      durationMs: 0,
      environments: 0,
      containers: 0,
      recorded: 0,
      alreadyCounted: 0,
      unreadable: 0,
      diskMeasured: false,
      byRepository: [],
    };
    const lockKey = `cost-${this.deps.dockerHost}`;
    const token = this.deps.lock
      ? await this.deps.lock.acquire(lockKey, this.deps.lockTtlMs ?? 5 * 60_000)
      : undefined;
    if (this.deps.lock && token === undefined) {
      report.skipped = 'another worker is sampling this host';
      report.durationMs = Math.round(performance.now() - started);
      return report;
    }
    try {
      await this.pass(report);
    } finally {
      if (token !== undefined) await this.deps.lock?.release(lockKey, token).catch(() => undefined);
    }
    report.durationMs = Math.round(performance.now() - started);
    const log = { ...report, byRepository: report.byRepository.length };
    if (report.unreadable > 0) this.deps.logger.warn(log, 'usage sample: some containers unread');
    else this.deps.logger.debug(log, 'usage sample');
    this.deps.onReport?.(report);
    return report;
  }

  private async pass(report: UsageSampleReport): Promise<void> {
    const { host, store, dockerHost } = this.deps;
    const listed = await host.listByLabels({ ...this.deps.scope, [LABEL_MANAGED]: 'true' });
    const environments = await store.environments(
      dockerHost,
      listed.containers.flatMap((c) => (c.labels[LABEL_ENV] ? [c.labels[LABEL_ENV]] : [])),
    );
    const byLabel = new Map(environments.map((e) => [e.envLabel, e]));
    report.environments = environments.length;
    const running = listed.containers.flatMap((c) => {
      const environment = byLabel.get(c.labels[LABEL_ENV] ?? '');
      return c.state === 'running' && environment ? [{ id: c.id, environment }] : [];
    });
    const reads: Read[] = [];
    await inLanes(running, this.deps.concurrency ?? 32, async ({ id, environment }) => {
      const usage = await host.containerUsage(id).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, container: id }, 'could not read container usage');
        return null;
      });
      if (!usage) {
        report.unreadable += 1;
        return;
      }
      reads.push({ environment, usage, reading: readingOf(usage) });
    });
    report.containers = reads.length;
    report.diskMeasured = await this.measureDisk();

    const baselines = await store.baselines(dockerHost, [
      ...reads.map((r) => r.usage.id),
      ...environments.map((e) => DISK_KEY + e.id),
    ]);
    const advances: CursorAdvance[] = [];
    const additions: UsageAddition[] = [];
    const awake = new Map<string, { from: number; to: number }>();
    const cpuPercent = new Map<string, number>();
    for (const { environment, usage, reading } of reads) {
      const baseline = baselines.get(usage.id);
      const window = containerWindow(baseline ? baselineReading(baseline) : null, reading);
      if (window && window.to > window.from) {
        cpuPercent.set(usage.id, (window.cpuSeconds / ((window.to - window.from) / 1000)) * 100);
      }
      if (!window) {
        report.alreadyCounted += 1;
        continue;
      }
      advances.push({
        key: usage.id,
        environmentId: environment.id,
        expected: baseline?.sampledAt ?? null,
        startedAt: new Date(reading.startedAt),
        sampledAt: new Date(reading.readAt),
        cpuNs: reading.cpuNs,
        memoryBytes: reading.memoryBytes,
        networkBytes: reading.networkBytes,
      });
      for (const share of splitByUtcDay(window.from, window.to)) {
        additions.push({
          key: usage.id,
          environmentId: environment.id,
          day: share.day,
          cpuSeconds: window.cpuSeconds * share.fraction,
          memoryByteSeconds: window.memoryByteSeconds * share.fraction,
          networkBytes: window.networkBytes * share.fraction,
          containerSeconds: window.runningSeconds * share.fraction,
          diskByteSeconds: 0,
          awakeSeconds: 0,
          diskBytes: 0,
          samples: 1,
        });
      }
      // Awake from its earliest running container's start, to its latest reading.
      const span = awake.get(environment.id);
      awake.set(environment.id, {
        from: Math.min(span?.from ?? Infinity, reading.startedAt),
        to: Math.max(span?.to ?? -Infinity, reading.readAt),
      });
    }
    // Disk, per environment, for the time it was awake: asleep (no running container), the
    // baseline moves on and nothing is added, so sleeping time is never billed.
    const now = this.now();
    for (const environment of environments) {
      const key = DISK_KEY + environment.id;
      const baseline = baselines.get(key);
      const span = awake.get(environment.id);
      const to = span?.to ?? now;
      if (baseline && to <= baseline.sampledAt.getTime()) continue;
      const bytes = this.disk?.get(environment.envLabel)?.totalBytes ?? 0;
      advances.push({
        key,
        environmentId: environment.id,
        expected: baseline?.sampledAt ?? null,
        startedAt: null,
        sampledAt: new Date(to),
        cpuNs: 0,
        memoryBytes: 0,
        networkBytes: 0,
      });
      if (!span) continue;
      const from = Math.max(baseline?.sampledAt.getTime() ?? -Infinity, Math.min(span.from, to));
      for (const share of splitByUtcDay(from, to)) {
        const seconds = ((to - from) / 1000) * share.fraction;
        additions.push({
          key,
          environmentId: environment.id,
          day: share.day,
          cpuSeconds: 0,
          memoryByteSeconds: 0,
          networkBytes: 0,
          containerSeconds: 0,
          diskByteSeconds: bytes * seconds,
          awakeSeconds: seconds,
          diskBytes: bytes,
          samples: 0,
        });
      }
    }

    const won = new Set(await store.record(dockerHost, advances, additions));
    report.recorded = won.size;
    report.alreadyCounted += advances.length - won.size;
    report.byRepository = perRepository(
      additions.filter((a) => won.has(a.key)),
      new Map(environments.map((e) => [e.id, e.repository])),
    );
    await this.keepStatuses(environments, listed.containers, reads, cpuPercent);
    await store.prune(
      dockerHost,
      [...listed.containers.map((c) => c.id), ...environments.map((e) => DISK_KEY + e.id)],
      new Date(now - FORGET_AFTER_MS),
    );
  }

  /**
   * Each environment's services as this pass saw them: the engine's state for every container,
   * and for a running one its health, restarts, CPU over its window and memory against its
   * limit. A failure is logged: the snapshot is for people, the usage above is what counts.
   */
  private async keepStatuses(
    environments: readonly SampledEnvironment[],
    containers: readonly ListedContainer[],
    reads: readonly Read[],
    cpuPercent: ReadonlyMap<string, number>,
  ): Promise<void> {
    const statuses = this.deps.statuses;
    if (!statuses) return;
    const usageOf = new Map(reads.map((r) => [r.usage.id, r.usage]));
    const sampledAt = new Date(this.now());
    for (const environment of environments) {
      const byService = new Map<string, ServiceStatusRow>();
      for (const c of containers) {
        const service = c.labels[LABEL_SERVICE];
        if (c.labels[LABEL_ENV] !== environment.envLabel || !service) continue;
        const usage = usageOf.get(c.id);
        const row: ServiceStatusRow = {
          service,
          container: c.name,
          state: c.state,
          health: usage?.health ?? null,
          restarts: usage?.restartCount ?? 0,
          cpuPercent: cpuPercent.get(c.id) ?? null,
          memoryBytes: usage ? usage.memoryBytes : null,
          memoryLimitBytes: usage?.memoryLimitBytes ?? null,
          sampledAt,
        };
        // Two containers of one service (an E2E run per generation): the running one tells.
        const seen = byService.get(service);
        if (!seen || (seen.state !== 'running' && c.state === 'running')) {
          byService.set(service, row);
        }
      }
      await statuses.replace(environment.id, [...byService.values()]).catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error, environment: environment.id },
          'could not keep the service statuses',
        );
      });
    }
  }

  /** Measures the host's disk when the last measurement is older than the interval. */
  private async measureDisk(): Promise<boolean> {
    const now = this.now();
    if (now - this.diskAt < this.deps.diskIntervalMs) return false;
    let usage: DiskUsage;
    try {
      usage = await this.deps.host.diskUsage();
    } catch (error) {
      // The last figure stands (none: disk is priced at 0 until a measurement succeeds).
      this.deps.logger.warn({ err: error }, 'could not measure disk usage');
      return false;
    }
    this.disk = diskByEnvironment({
      volumes: usage.volumes.map((v) => ({
        name: v.name,
        bytes: v.sizeBytes,
        ...envLabel(v.labels),
      })),
      images: usage.images.map((i) => ({ id: i.id, bytes: i.sizeBytes })),
      containers: usage.containers.map((c) => ({
        imageId: c.imageId,
        writableBytes: c.writableBytes,
        ...envLabel(c.labels),
      })),
    });
    this.diskAt = now;
    return true;
  }
}

function envLabel(labels: Labels): { envLabel?: string } {
  // Only Berth's objects count: an unmanaged one with a look-alike label is nobody's.
  const label = labels[LABEL_MANAGED] === 'true' ? labels[LABEL_ENV] : undefined;
  return label ? { envLabel: label } : {};
}

function readingOf(usage: ContainerUsage): ContainerReading {
  return {
    startedAt: Date.parse(usage.startedAt),
    readAt: Date.parse(usage.readAt),
    cpuNs: usage.cpuNs,
    memoryBytes: usage.memoryBytes,
    networkBytes: usage.networkBytes,
  };
}

function baselineReading(baseline: UsageBaseline): ContainerReading {
  return {
    startedAt: baseline.startedAt?.getTime() ?? 0,
    readAt: baseline.sampledAt.getTime(),
    cpuNs: baseline.cpuNs,
    memoryBytes: baseline.memoryBytes,
    networkBytes: baseline.networkBytes,
  };
}

function perRepository(
  additions: readonly UsageAddition[],
  repositoryOf: Map<string, string>,
): RepositoryUsage[] {
  const sums = new Map<string, RepositoryUsage>();
  for (const a of additions) {
    const repository = repositoryOf.get(a.environmentId) ?? 'unknown';
    const sum = sums.get(repository) ?? { repository, ...NO_USAGE };
    sum.cpuSeconds += a.cpuSeconds;
    sum.memoryByteSeconds += a.memoryByteSeconds;
    sum.diskByteSeconds += a.diskByteSeconds;
    sum.networkBytes += a.networkBytes;
    sums.set(repository, sum);
  }
  return [...sums.values()].sort((a, b) => a.repository.localeCompare(b.repository));
}

async function inLanes<T>(items: readonly T[], lanes: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, lanes) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
