// Pure: which built images a Docker host can let go of (issue 11, "disk stays bounded"). Built
// images are caches shared by every PR of a repository (decision 0008), so nothing owns them:
// they go when no container and no live environment's newest revision uses them, they have not
// been used for the retention period, and they are not the newest of their service (kept so a
// reopen or the next PR starts without a build) or the newest base image of their service.
// A size budget removes the least recently used of the rest first, retention or not. The budget
// counts each image's own bytes (layers no other image holds): what removing it frees. Built
// images share their base layers with each other and with the base image itself, so adding up
// full sizes counted one base 48 times and emptied the cache long before the disk filled.

export interface RetainedImage {
  id: string;
  /** `repo:tag` references; empty for an untagged image. */
  tags: readonly string[];
  /** `owner/name` from the `berth.repo` label. */
  repository?: string;
  /** From the `berth.service` label. */
  service?: string;
  sizeBytes: number;
  /** Bytes no other image shares (Docker's Size − SharedSize); unknown: `sizeBytes` counts. */
  ownBytes?: number;
  createdAt?: Date;
  /** When a build last planned or reused it (its ledger row's update), else its creation. */
  lastUsedAt?: Date;
  /** Its inputs equal a base branch's (the ledger's `metadata.base`, decision 0008). */
  base: boolean;
}

export interface ImageRetentionInput {
  images: readonly RetainedImage[];
  /** Tags (and image ids) any container on the host, or a live environment's revision, uses. */
  inUse: ReadonlySet<string>;
  now: Date;
  /** Unused for this long: removed. */
  retentionMs: number;
  /** Nothing younger than this is removed, budget or not (a build may be about to use it). */
  graceMs: number;
  /** Newest images kept per repository and service, used or not. */
  keepPerService: number;
  /** Own bytes (see `ownBytes`) of Berth's images to stay under; 0: no budget. */
  budgetBytes: number;
}

export type ImageRemovalReason = 'unused past retention' | 'over the image budget';

export interface ImageRemoval {
  id: string;
  tags: string[];
  sizeBytes: number;
  /** What removing it frees (its own bytes). */
  ownBytes: number;
  reason: ImageRemovalReason;
}

export interface ImageRetentionPlan {
  remove: ImageRemoval[];
  /** Own bytes of the images that stay. */
  keptBytes: number;
  kept: { inUse: number; newest: number; base: number; recent: number };
}

/** What an image holds on its own: removing it frees this much. */
export function ownBytes(image: Pick<RetainedImage, 'sizeBytes' | 'ownBytes'>): number {
  return image.ownBytes ?? image.sizeBytes;
}

export function planImageRetention(input: ImageRetentionInput): ImageRetentionPlan {
  const now = input.now.getTime();
  const lastUse = (i: RetainedImage) =>
    (i.lastUsedAt ?? i.createdAt)?.getTime() ?? Number.POSITIVE_INFINITY;
  const kept = { inUse: 0, newest: 0, base: 0, recent: 0 };

  // Newest first per service: the first `keepPerService` stay, and the newest base image.
  const groups = new Map<string, RetainedImage[]>();
  for (const image of input.images) {
    const key = `${image.repository ?? '?'}\n${image.service ?? image.id}`;
    groups.set(key, [...(groups.get(key) ?? []), image]);
  }
  const protectedIds = new Map<string, keyof typeof kept>();
  for (const image of input.images) {
    if (image.tags.some((t) => input.inUse.has(t)) || input.inUse.has(image.id)) {
      protectedIds.set(image.id, 'inUse');
    }
  }
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => lastUse(b) - lastUse(a));
    for (const image of newestFirst.slice(0, input.keepPerService)) {
      if (!protectedIds.has(image.id)) protectedIds.set(image.id, 'newest');
    }
    const base = newestFirst.find((i) => i.base);
    if (base && !protectedIds.has(base.id)) protectedIds.set(base.id, 'base');
  }

  const candidates: RetainedImage[] = [];
  let keptBytes = 0;
  for (const image of input.images) {
    const why = protectedIds.get(image.id);
    const age = now - lastUse(image);
    if (why) kept[why] += 1;
    else if (!(age >= input.graceMs)) kept.recent += 1;
    else {
      candidates.push(image);
      continue;
    }
    keptBytes += ownBytes(image);
  }

  const remove: ImageRemoval[] = [];
  const removal = (i: RetainedImage, reason: ImageRemovalReason): ImageRemoval => ({
    id: i.id,
    tags: [...i.tags],
    sizeBytes: i.sizeBytes,
    ownBytes: ownBytes(i),
    reason,
  });
  // Oldest use first: under a budget, what has waited longest goes first.
  const oldestFirst = [...candidates].sort((a, b) => lastUse(a) - lastUse(b));
  let total = keptBytes + candidates.reduce((sum, i) => sum + ownBytes(i), 0);
  for (const image of oldestFirst) {
    if (now - lastUse(image) >= input.retentionMs) {
      remove.push(removal(image, 'unused past retention'));
      total -= ownBytes(image);
    } else if (input.budgetBytes > 0 && total > input.budgetBytes) {
      remove.push(removal(image, 'over the image budget'));
      total -= ownBytes(image);
    } else {
      kept.recent += 1;
      keptBytes += ownBytes(image);
    }
  }
  return { remove, keptBytes, kept };
}
