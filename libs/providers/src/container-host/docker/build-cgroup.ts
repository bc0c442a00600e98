// The classic builder takes memory and CPU limits per build but has no pids limit. Its build
// containers can be put under a cgroup parent, though, and a parent's pids.max bounds everything
// below it. So each build gets a fresh cgroup carrying pids.max, made here before the build and
// removed after it.
//
// This works when the engine uses the cgroupfs driver and this process sees the engine's
// /sys/fs/cgroup writable: the worker on the Docker host as root, or in a container with the
// host's cgroup tree mounted. Otherwise (systemd driver, a remote engine, a read-only mount)
// builds still get memory, CPU and time limits, and `status()` says why pids are not limited.

import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';

export interface BuildCgroupStatus {
  pidsLimited: boolean;
  /** Why builds run without a pids limit (only when pidsLimited is false). */
  reason?: string;
}

export interface BuildCgroup {
  /** The engine's `cgroupparent` for this build. */
  parent: string;
  release(): Promise<void>;
}

const PARENT = 'berth-builds';

export class BuildCgroups {
  private layout: Promise<{ pidsDir: string; v2: boolean } | { reason: string }> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly pids: number,
    /** False for an engine reached over TCP: its cgroup tree is on another machine. */
    private readonly localEngine: boolean,
    private readonly root = '/sys/fs/cgroup',
  ) {}

  async status(): Promise<BuildCgroupStatus> {
    const layout = await this.detect();
    return 'reason' in layout
      ? { pidsLimited: false, reason: layout.reason }
      : { pidsLimited: true };
  }

  /** A cgroup for one build, or null when pids cannot be limited here (see status()). */
  async acquire(): Promise<BuildCgroup | null> {
    const layout = await this.detect();
    if ('reason' in layout) return null;
    const name = `${PARENT}/${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const dir = join(layout.pidsDir, name);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'pids.max'), String(this.pids));
    } catch (error) {
      throw new Error(
        `cannot create the build cgroup ${dir} that enforces BUILD_PIDS (${(error as Error).message}); the worker's access to the engine's cgroup tree changed since start-up`,
        { cause: error },
      );
    }
    // The engine makes the same path in every other controller's tree (cgroup v1) for the build
    // containers; those empty directories are removed with ours.
    const dirs = layout.v2 ? [dir] : await this.everyController(name);
    return { parent: `/${name}`, release: () => removeAll(dirs) };
  }

  private async everyController(name: string): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    // cpu and cpuacct are symlinks to cpu,cpuacct: the directories alone cover every tree.
    return entries.filter((e) => e.isDirectory()).map((e) => join(this.root, e.name, name));
  }

  private detect() {
    // A failed probe (the engine did not answer) is asked again next time, not remembered.
    this.layout ??= this.probe().catch((error: unknown) => {
      this.layout = undefined;
      throw error;
    });
    return this.layout;
  }

  private async probe(): Promise<{ pidsDir: string; v2: boolean } | { reason: string }> {
    if (!this.localEngine) return { reason: 'the Docker engine is remote (DOCKER_HOST over TCP)' };
    const info = (await this.docker.info()) as { CgroupDriver?: string; CgroupVersion?: string };
    if (info.CgroupDriver !== 'cgroupfs') {
      return {
        reason: `the engine's cgroup driver is ${info.CgroupDriver ?? 'unknown'}, not cgroupfs`,
      };
    }
    const v2 = info.CgroupVersion === '2';
    const pidsDir = v2 ? this.root : join(this.root, 'pids');
    try {
      if (v2) {
        const controllers = await readFile(join(this.root, 'cgroup.controllers'), 'utf8');
        if (!controllers.split(/\s+/).includes('pids')) {
          return { reason: `the pids controller is not enabled in ${this.root}` };
        }
        await mkdir(join(this.root, PARENT), { recursive: true });
        // Children of berth-builds need the pids controller handed down (cgroup v2).
        await writeFile(join(this.root, PARENT, 'cgroup.subtree_control'), '+pids');
      } else {
        await access(join(pidsDir, 'cgroup.procs'));
        await mkdir(join(pidsDir, PARENT), { recursive: true });
      }
    } catch (error) {
      return {
        reason: `cannot write the engine's cgroup tree at ${pidsDir} (${(error as Error).message}); run the worker on the Docker host as root, or mount the host's /sys/fs/cgroup into it`,
      };
    }
    return { pidsDir, v2 };
  }
}

/**
 * The engine removes its build containers' cgroups as they exit; a just-killed one may linger a
 * moment, so retry for a few seconds. An empty directory left after that costs next to nothing.
 */
async function removeAll(dirs: readonly string[]): Promise<void> {
  let left = [...dirs];
  for (let attempt = 0; attempt < 20 && left.length; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 250));
    const still: string[] = [];
    for (const dir of left) {
      try {
        await rmdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') still.push(dir);
      }
    }
    left = still;
  }
}
