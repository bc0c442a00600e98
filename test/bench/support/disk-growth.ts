// The `maintenance` suite's disk half (issue 11 §6): open, push to and close a PR of the shop
// BENCH_DISK_CYCLES times (default 30) through the whole control plane, and measure what the
// Docker host and the worker's WORK_DIR hold before and after. A first cycle warms the caches
// (builds the shop's images, clones the mirror) and is not counted. Prints:
//   disk_growth_mb_per_cycle   (after − after-warm-up) / cycles, Docker (images' layers,
//                              volumes, containers' writable layers) plus WORK_DIR
//   disk_growth_detail         the parts, in MB
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
}
interface DfContainer {
  SizeRw?: number;
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

async function diskUse(docker: Docker, workDir: string): Promise<DiskUse> {
  const df = (await docker.df()) as {
    LayersSize?: number;
    Volumes?: DfVolume[];
    Containers?: DfContainer[];
  };
  return {
    layers: df.LayersSize ?? 0,
    volumes: (df.Volumes ?? []).reduce((sum, v) => sum + Math.max(0, v.UsageData?.Size ?? 0), 0),
    containers: (df.Containers ?? []).reduce((sum, c) => sum + (c.SizeRw ?? 0), 0),
    workDir: await dirBytes(workDir),
  };
}

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
    const before = await diskUse(docker, plane.workDirectory);
    const started = performance.now();
    for (let i = 1; i <= cycles; i++) {
      await cycle(i);
      if (i % 5 === 0 || i === cycles) log(`disk: ${i}/${cycles} cycles`);
    }
    const after = await diskUse(docker, plane.workDirectory);
    const growth = (k: keyof DiskUse) => round((after[k] - before[k]) / MB);
    const total =
      after.layers +
      after.volumes +
      after.containers +
      after.workDir -
      (before.layers + before.volumes + before.containers + before.workDir);
    return {
      disk_growth_mb_per_cycle: round(total / MB / cycles),
      disk_cycles: cycles,
      disk_cycle_s: round((performance.now() - started) / 1000 / cycles),
      disk_growth_detail: {
        layers_mb: growth('layers'),
        volumes_mb: growth('volumes'),
        containers_mb: growth('containers'),
        work_dir_mb: growth('workDir'),
        work_dir_after_mb: round(after.workDir / MB),
      },
    };
  } finally {
    await plane.stop();
  }
}
