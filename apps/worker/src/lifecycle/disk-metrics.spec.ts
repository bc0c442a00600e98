import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerHost, DiskUsage } from '@berth/providers';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskMetrics } from './disk-metrics.js';
import { workDirBytes } from './work-dir-usage.js';

const managed = { 'berth.managed': 'true' };
const usage: DiskUsage = {
  images: [
    // Berth's: 300 MB of it is the base every image shares; 20 MB is its own.
    { id: 'a', sizeBytes: 320e6, sharedBytes: 300e6, labels: managed },
    { id: 'b', sizeBytes: 305e6, sharedBytes: 300e6, labels: managed },
    { id: 'base', sizeBytes: 300e6, sharedBytes: 300e6, labels: {} },
    { id: 'old', sizeBytes: 7e6, sharedBytes: -1, labels: managed }, // not computed: all its own
  ],
  volumes: [
    { name: 'pr-1-db', sizeBytes: 40e6, labels: managed },
    { name: 'someone-else', sizeBytes: 900e6, labels: {} },
  ],
  containers: [],
  buildCacheBytes: 12e6,
};

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-disk-'));
  dirs.push(dir);
  await mkdir(join(dir, 'sources', 'acme__shop.git', 'objects'), { recursive: true });
  await writeFile(
    join(dir, 'sources', 'acme__shop.git', 'objects', 'pack'),
    Buffer.alloc(64 * 1024),
  );
  await mkdir(join(dir, 'checkouts', 'acme__shop', 'abc123'), { recursive: true });
  await writeFile(
    join(dir, 'checkouts', 'acme__shop', 'abc123', 'app.js'),
    Buffer.alloc(32 * 1024, 1),
  );
  // A hard link to the mirror's pack counts once, in the mirror.
  await link(
    join(dir, 'sources', 'acme__shop.git', 'objects', 'pack'),
    join(dir, 'checkouts', 'acme__shop', 'abc123', 'linked'),
  );
  return dir;
}

describe('DiskMetrics', () => {
  it("shows Berth's images (their own layers), volumes and build cache from one df", async () => {
    const metrics = new DiskMetrics({ now: () => 1_700_000_000_000 });
    const registry = new Registry();
    metrics.register(registry);
    expect(await registry.metrics()).not.toMatch(/berth_disk_bytes\{/); // nothing measured yet
    metrics.recordDocker(usage);
    const text = await registry.metrics();
    expect(text).toContain('berth_disk_bytes{kind="image"} 32000000');
    expect(text).toContain('berth_disk_bytes{kind="volume"} 40000000');
    expect(text).toContain('berth_disk_bytes{kind="build_cache"} 12000000');
    expect(text).toContain('berth_disk_measured_timestamp_seconds{kind="image"} 1700000000');
    expect(text).not.toContain('kind="checkout"');
  });

  it('records what the observed host read, and walks WORK_DIR after it', async () => {
    const dir = await workDir();
    const metrics = new DiskMetrics({ workDir: dir });
    let calls = 0;
    const host = {
      diskUsage: async () => {
        calls += 1;
        return usage;
      },
      ping: async () => undefined,
    } as unknown as ContainerHost; // only what this test calls; a Proxy passes the rest through
    const observed = metrics.observe(host);
    expect(await observed.diskUsage()).toBe(usage);
    await observed.ping();
    await metrics.measureWorkDir(); // joins the walk the read started
    expect(calls).toBe(1);
    const registry = new Registry();
    metrics.register(registry);
    const text = await registry.metrics();
    const bytes = (kind: string) =>
      Number(new RegExp(`berth_disk_bytes\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1]);
    expect(bytes('git_mirror')).toBeGreaterThanOrEqual(64 * 1024);
    expect(bytes('checkout')).toBeGreaterThanOrEqual(32 * 1024);
    // The linked 64 KiB is not counted twice.
    expect(bytes('checkout')).toBeLessThan(64 * 1024);
    expect(bytes('image')).toBe(32e6);
  });

  it('counts nothing for a WORK_DIR with nothing cached yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-disk-'));
    dirs.push(dir);
    expect(await workDirBytes(dir)).toEqual({ mirrors: 0, checkouts: 0 });
  });
});
