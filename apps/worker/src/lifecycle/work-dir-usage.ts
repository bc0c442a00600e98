import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** What the worker's WORK_DIR holds: git mirrors (`sources/`) and checkouts (`checkouts/`). */
export interface WorkDirBytes {
  mirrors: number;
  checkouts: number;
}

/**
 * Bytes on disk (allocated blocks, as `du` counts them) under WORK_DIR's mirrors and checkouts.
 * A file hard-linked into several places (a checkout sharing the mirror's objects) counts once,
 * where it is first met: mirrors first.
 */
export async function workDirBytes(workDir: string): Promise<WorkDirBytes> {
  const seen = new Set<string>();
  const mirrors = await treeBytes(join(workDir, 'sources'), seen);
  const checkouts = await treeBytes(join(workDir, 'checkouts'), seen);
  return { mirrors, checkouts };
}

/** lstat calls in flight at once: enough to hide latency, few enough to leave the disk to builds. */
const LANES = 16;

async function treeBytes(root: string, seen: Set<string>): Promise<number> {
  let paths: string[];
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    paths = [root, ...entries.map((entry) => join(entry.parentPath, entry.name))];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0; // nothing cached yet
    throw error;
  }
  let total = 0;
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      // A checkout pruned meanwhile (decision 0023) is simply not counted.
      const stat = await lstat(path).catch(() => undefined);
      if (!stat) continue;
      const key = `${stat.dev}:${stat.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += stat.blocks * 512;
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return total;
}
