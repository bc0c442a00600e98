// The `maintenance` suite's disk half (issue 11 §6): open, push to and close a PR of the shop
// BENCH_DISK_CYCLES times (default 30) through the whole control plane, and measure what the
// Docker host and the worker's WORK_DIR hold before and after. A first cycle warms the caches
// (builds the shop's images, clones the mirror) and is not counted. Prints:
//   disk_growth_mb_per_cycle   (after − after-warm-up) / cycles, Docker (images' layers,
//                              volumes, containers' writable layers) plus WORK_DIR
//   disk_growth_detail         the parts, in MB
//   disk_growth_host_mb_per_cycle  the same over the whole Docker host: anything else running
//                              on the machine (tests, other benches) moves it, so the headline
//                              counts only this bench's repository (its labels) and WORK_DIR
// Pushes change a file outside every build context: images are reused, as for most pushes.
import { randomBytes } from 'node:crypto';
import { readdir, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlPlane } from '@berth/testing';
import Docker from 'dockerode';

const MB = 1_048_576;
const round = (n: number) => Math.round(n * 1000) / 1000;

interface DiskUse {
  layers: number;
  volumes: number;
  containers: number;
  workDir: number;
}

interface DfVolume {
  UsageData?: { Size?: number };
  Labels?: Record<string, string> | null;
}
interface DfContainer {
  SizeRw?: number;
  Labels?: Record<string, string> | null;
}
interface DfImage {
  Size?: number;
  SharedSize?: number;
  Labels?: Record<string, string> | null;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await dirBytes(path);
    else total += (await lstat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * What the host holds (`host`), and what this bench's repository holds (`own`): its volumes,
 * its containers' writable layers, its built images' own layers (Size − SharedSize), and
 * WORK_DIR, which is the bench's control plane's alone.
 */
async function diskUse(
  docker: Docker,
  workDir: string,
  repository: string,
): Promise<{ host: DiskUse; own: DiskUse }> {
  const df = (await docker.df()) as {
    LayersSize?: number;
    Images?: DfImage[];
    Volumes?: DfVolume[];
    Containers?: DfContainer[];
  };
  const mine = (o: { Labels?: Record<string, string> | null }) =>
    o.Labels?.['berth.repo'] === repository;
  const volumeBytes = (vs: DfVolume[]) =>
    vs.reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const writable = (cs: DfContainer[]) => cs.reduce((sum, c) => sum + (c.SizeRw ?? 0), 0);
  const workDirBytes = await dirBytes(workDir);
  return {
    host: {
      layers: df.LayersSize ?? 0,
      volumes: volumeBytes(df.Volumes ?? []),
      containers: writable(df.Containers ?? []),
      workDir: workDirBytes,
    },
    own: {
      layers: (df.Images ?? [])
        .filter(mine)
        .reduce((sum, i) => sum + Math.max(0, (i.Size ?? 0) - Math.max(0, i.SharedSize ?? 0)), 0),
      volumes: volumeBytes((df.Volumes ?? []).filter(mine)),
      containers: writable((df.Containers ?? []).filter(mine)),
      workDir: workDirBytes,
    },
  };
}

const sum = (d: DiskUse) => d.layers + d.volumes + d.containers + d.workDir;

export async function diskGrowth(root: string, log: (line: string) => void) {
  const cycles = Math.max(1, Math.round(Number(process.env['BENCH_DISK_CYCLES'] ?? 30)));
  const docker = new Docker();
  const plane = await ControlPlane.start({
    root,
    databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    composeVariablesFile: `${root}scripts/bootstrap/images.env`,
    logLevel: 'warn',
    // Checkouts kept per repository (CHECKOUTS_KEPT): the default.
  });
  const name = `diskbench${randomBytes(3).toString('hex')}`;
  const repository = `acme/${name}`;
  const cycle = async (i: number) => {
    const pr = await plane.github.openPullRequest({
      repo: repository,
      branch: `cycle-${i}`,
      title: `cycle ${i}`,
    });
    await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 900_000 });
    await plane.github.pushToPullRequest(pr, { [`notes/cycle-${i}.md`]: `cycle ${i}\n` });
    await plane.waitForState(repository, pr.number, 'ready', {
      generation: 2,
      timeoutMs: 900_000,
    });
    await plane.github.closePullRequest(pr, { merged: false });
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 300_000 });
  };
  try {
    await plane.github.createRepository({
      owner: 'acme',
      name,
      fromDirectory: `${root}examples/shop`,
    });
    log('disk: warm-up cycle (builds the shop, clones the mirror)');
    await cycle(0);
    const before = await diskUse(docker, plane.workDirectory, repository);
    const started = performance.now();
    for (let i = 1; i <= cycles; i++) {
      await cycle(i);
      if (i % 5 === 0 || i === cycles) log(`disk: ${i}/${cycles} cycles`);
    }
    const after = await diskUse(docker, plane.workDirectory, repository);
    const growth = (k: keyof DiskUse) => round((after.own[k] - before.own[k]) / MB);
    const hostGrowth = (k: keyof DiskUse) => round((after.host[k] - before.host[k]) / MB);
    return {
      disk_growth_mb_per_cycle: round((sum(after.own) - sum(before.own)) / MB / cycles),
      disk_growth_host_mb_per_cycle: round((sum(after.host) - sum(before.host)) / MB / cycles),
      disk_cycles: cycles,
      disk_cycle_s: round((performance.now() - started) / 1000 / cycles),
      disk_growth_detail: {
        layers_mb: growth('layers'),
        volumes_mb: growth('volumes'),
        containers_mb: growth('containers'),
        work_dir_mb: growth('workDir'),
        work_dir_after_mb: round(after.own.workDir / MB),
        own_after_mb: round(sum(after.own) / MB),
        host: {
          layers_mb: hostGrowth('layers'),
          volumes_mb: hostGrowth('volumes'),
          containers_mb: hostGrowth('containers'),
        },
      },
    };
  } finally {
    await plane.stop();
  }
}
