// The cgroup v2 and refusal paths of BuildCgroups, on a directory standing in for /sys/fs/cgroup
// (this machine's engine is cgroup v1: build-limits.int.spec.ts covers that one for real).

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildCgroups } from './build-cgroup.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-cgroup-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Only `info()` is read: the engine's cgroup driver and version. */
function engine(info: { CgroupDriver: string; CgroupVersion: string }): Docker {
  return { info: async () => info } as unknown as Docker;
}

describe('BuildCgroups', () => {
  it('makes one cgroup per build under berth-builds with pids.max (cgroup v2)', async () => {
    await writeFile(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    const cgroups = new BuildCgroups(
      engine({ CgroupDriver: 'cgroupfs', CgroupVersion: '2' }),
      64,
      true,
      root,
    );
    expect(await cgroups.status()).toEqual({ pidsLimited: true });
    expect(await readFile(join(root, 'berth-builds', 'cgroup.subtree_control'), 'utf8')).toBe(
      '+pids',
    );
    const cgroup = await cgroups.acquire();
    expect(cgroup?.parent).toMatch(/^\/berth-builds\/[a-z0-9]+-[0-9a-f]{8}$/);
    const dir = join(root, cgroup!.parent);
    expect(await readFile(join(dir, 'pids.max'), 'utf8')).toBe('64');
    // A real cgroup directory has only kernel files, which rmdir ignores; here pids.max is a
    // plain file, so take it away first to let release() remove the directory.
    await rm(join(dir, 'pids.max'));
    await cgroup!.release();
    expect(await readdir(join(root, 'berth-builds'))).toEqual(['cgroup.subtree_control']);
  });

  it.each([
    [
      { CgroupDriver: 'systemd', CgroupVersion: '2' },
      true,
      /cgroup driver is systemd, not cgroupfs/,
    ],
    [{ CgroupDriver: 'cgroupfs', CgroupVersion: '1' }, false, /engine is remote/],
    [{ CgroupDriver: 'cgroupfs', CgroupVersion: '2' }, true, /pids controller is not enabled/],
  ])('says why pids are not limited: %o', async (info, local, reason) => {
    await writeFile(join(root, 'cgroup.controllers'), 'cpu memory\n');
    const cgroups = new BuildCgroups(engine(info), 64, local, root);
    const status = await cgroups.status();
    expect(status.pidsLimited).toBe(false);
    expect(status.reason).toMatch(reason);
    expect(await cgroups.acquire()).toBeNull();
  });
});
