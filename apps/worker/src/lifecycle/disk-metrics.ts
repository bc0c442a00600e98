import { LABEL_MANAGED } from '@berth/core';
import type { ContainerHost, DiskUsage } from '@berth/providers';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { workDirBytes } from './work-dir-usage.js';

/** `berth_disk_bytes{kind}`: what each kind of Berth's data holds on this Docker host. */
export const DISK_KINDS = ['image', 'volume', 'build_cache', 'git_mirror', 'checkout'] as const;
export type DiskKind = (typeof DISK_KINDS)[number];

/**
 * Disk use on the worker's /metrics (issue 11 §6, decision 0023). Nothing is measured when
 * scraped: the Docker kinds come from the cost sampler's disk pass (`docker system df`, at most
 * every COST_DISK_INTERVAL_S; `observe` records what that pass read), and the worker's WORK_DIR is
 * walked right after each such pass. Until the first pass a kind is absent, not 0.
 */
export class DiskMetrics {
  private readonly bytes = new Map<DiskKind, number>();
  private readonly measuredAt = new Map<DiskKind, number>();
  private walking: Promise<void> | undefined;

  constructor(
    private readonly options: { workDir?: string; logger?: Logger; now?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** What one `docker system df` said: Berth's images and volumes, and the build cache. */
  recordDocker(usage: DiskUsage): void {
    const managed = (labels: Record<string, string> | undefined) =>
      labels?.[LABEL_MANAGED] === 'true';
    // An image's size counts base layers every other image shares (node:24 in each of 40
    // builds): only what no other image uses is Berth's for sure, as `system df -v` shows it.
    const images = usage.images
      .filter((image) => managed(image.labels))
      .reduce(
        (sum, image) => sum + Math.max(0, image.sizeBytes - Math.max(0, image.sharedBytes ?? 0)),
        0,
      );
    const volumes = usage.volumes
      .filter((volume) => managed(volume.labels))
      .reduce((sum, volume) => sum + volume.sizeBytes, 0);
    this.set('image', images);
    this.set('volume', volumes);
    if (usage.buildCacheBytes !== undefined) this.set('build_cache', usage.buildCacheBytes);
  }

  /** Walks WORK_DIR's git mirrors and checkouts; one walk at a time (a slow disk skips a turn). */
  measureWorkDir(): Promise<void> {
    const { workDir, logger } = this.options;
    if (!workDir) return Promise.resolve();
    this.walking ??= workDirBytes(workDir)
      .then((found) => {
        this.set('git_mirror', found.mirrors);
        this.set('checkout', found.checkouts);
      })
      .catch((error: unknown) =>
        logger?.warn({ err: error, workDir }, 'could not measure WORK_DIR'),
      )
      .finally(() => (this.walking = undefined));
    return this.walking;
  }

  /**
   * The container host the cost sampler reads through: its `diskUsage` answers are recorded
   * here (no Docker call of our own), and each one starts a walk of WORK_DIR.
   */
  observe<H extends ContainerHost>(host: H): H {
    return new Proxy(host, {
      get: (target, property) => {
        if (property === 'diskUsage') {
          return async () => {
            const usage = await target.diskUsage();
            this.recordDocker(usage);
            void this.measureWorkDir();
            return usage;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }

  private set(kind: DiskKind, bytes: number): void {
    this.bytes.set(kind, Math.round(bytes));
    this.measuredAt.set(kind, this.now());
  }

  register(registry: Registry): void {
    const self = { bytes: this.bytes, measuredAt: this.measuredAt };
    new Gauge({
      name: 'berth_disk_bytes',
      help:
        "Bytes Berth's data holds on this Docker host, by kind: image (Berth's built images, the " +
        'layers no other image shares), volume (preview volumes), build_cache (BuildKit), ' +
        "git_mirror and checkout (this worker's WORK_DIR). Measured by the cost sampler's disk pass.",
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, bytes] of self.bytes) this.set({ kind }, bytes);
      },
    });
    new Gauge({
      name: 'berth_disk_measured_timestamp_seconds',
      help: 'When berth_disk_bytes of each kind was last measured on this worker.',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, at] of self.measuredAt) this.set({ kind }, Math.round(at / 1000));
      },
    });
  }
}
