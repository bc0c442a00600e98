// Cost telemetry (decision 0025): how much of a Docker host's disk each environment holds. Its
// volumes and its containers' writable layers are its own; an image is shared by every
// environment running it (a base image, or one built tag reused by several PRs), so its size is
// split between them and the shares add up to what the host really stores.

/** What Docker's disk usage report (`docker system df -v`) says, by object. */
export interface DiskInventory {
  volumes: readonly { name: string; envLabel?: string; bytes: number }[];
  images: readonly { id: string; bytes: number }[];
  /** Every container, running or not: a stopped one still pins its image and its layer. */
  containers: readonly { envLabel?: string; imageId: string; writableBytes: number }[];
}

export interface EnvironmentDisk {
  volumeBytes: number;
  /** This environment's share of the images its containers run. */
  imageBytes: number;
  /** Its containers' writable layers. */
  containerBytes: number;
  totalBytes: number;
}

/** Disk held per environment label (`owner/repo#pr`); objects without one are nobody's here. */
export function diskByEnvironment(inventory: DiskInventory): Map<string, EnvironmentDisk> {
  const out = new Map<string, EnvironmentDisk>();
  const entry = (label: string): EnvironmentDisk => {
    let disk = out.get(label);
    if (!disk) {
      disk = { volumeBytes: 0, imageBytes: 0, containerBytes: 0, totalBytes: 0 };
      out.set(label, disk);
    }
    return disk;
  };
  for (const volume of inventory.volumes) {
    if (volume.envLabel) entry(volume.envLabel).volumeBytes += positive(volume.bytes);
  }
  const users = new Map<string, Set<string>>();
  for (const container of inventory.containers) {
    if (!container.envLabel) continue;
    entry(container.envLabel).containerBytes += positive(container.writableBytes);
    let set = users.get(container.imageId);
    if (!set) users.set(container.imageId, (set = new Set()));
    set.add(container.envLabel);
  }
  for (const image of inventory.images) {
    const labels = users.get(image.id);
    if (!labels?.size) continue;
    const share = positive(image.bytes) / labels.size;
    for (const label of labels) entry(label).imageBytes += share;
  }
  for (const disk of out.values()) {
    disk.totalBytes = disk.volumeBytes + disk.imageBytes + disk.containerBytes;
  }
  return out;
}

function positive(bytes: number): number {
  return Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
}
