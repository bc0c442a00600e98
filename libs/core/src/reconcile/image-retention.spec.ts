import { describe, expect, it } from 'vitest';
import { planImageRetention, type RetainedImage } from './image-retention.js';

const H = 3_600_000;
const now = new Date('2026-12-04T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * H);
let n = 0;
const image = (over: Partial<RetainedImage>): RetainedImage => {
  n += 1;
  return {
    id: `sha256:${n}`,
    tags: [`berth/acme--shop-api:${n}`],
    repository: 'acme/shop',
    service: 'api',
    sizeBytes: 100,
    lastUsedAt: ago(100),
    base: false,
    ...over,
  };
};
const settings = {
  now,
  retentionMs: 72 * H,
  graceMs: 1 * H,
  keepPerService: 1,
  budgetBytes: 0,
  inUse: new Set<string>(),
};

describe('planImageRetention', () => {
  it('removes images unused past retention, keeping the newest per service', () => {
    const newest = image({ lastUsedAt: ago(90) });
    const old = image({ lastUsedAt: ago(200) });
    const web = image({ service: 'web', lastUsedAt: ago(300) });
    const plan = planImageRetention({ ...settings, images: [old, newest, web] });
    expect(plan.remove.map((r) => r.id)).toEqual([old.id]);
    expect(plan.remove[0]?.reason).toBe('unused past retention');
    expect(plan.kept).toMatchObject({ newest: 2 });
  });

  it('never removes an image a container or a live revision uses, or the newest base image', () => {
    const used = image({ lastUsedAt: ago(500) });
    const base = image({ lastUsedAt: ago(400), base: true });
    const newest = image({ lastUsedAt: ago(80) });
    const plan = planImageRetention({
      ...settings,
      images: [used, base, newest],
      inUse: new Set(used.tags),
    });
    expect(plan.remove).toEqual([]);
    expect(plan.kept).toEqual({ inUse: 1, newest: 1, base: 1, recent: 0 });
  });

  it('under a budget removes the least recently used first, but nothing within the grace period', () => {
    const images = [
      image({ lastUsedAt: ago(0.5), sizeBytes: 400 }), // newest: kept
      image({ lastUsedAt: ago(0.6), sizeBytes: 400 }), // within grace: kept
      image({ lastUsedAt: ago(5), sizeBytes: 400 }),
      image({ lastUsedAt: ago(10), sizeBytes: 400 }),
    ];
    const plan = planImageRetention({ ...settings, images, budgetBytes: 1000 });
    expect(plan.remove.map((r) => [r.id, r.reason])).toEqual([
      [images[3]?.id, 'over the image budget'],
      [images[2]?.id, 'over the image budget'],
    ]);
    expect(plan.keptBytes).toBe(800);
  });

  it('counts what each image holds on its own against the budget, not its shared base layers', () => {
    // Four builds of one service on a 380 MB base: each is 385 MB in full, 5 MB of its own.
    const MB = 1_048_576;
    const images = [0.5, 5, 10, 20].map((hours) =>
      image({ lastUsedAt: ago(hours), sizeBytes: 385 * MB, ownBytes: 5 * MB }),
    );
    const plan = planImageRetention({ ...settings, images, budgetBytes: 100 * MB });
    // Full sizes would add up to 1,540 MB and remove three; 20 MB of their own fit the budget.
    expect(plan.remove).toEqual([]);
    expect(plan.keptBytes).toBe(20 * MB);

    const tight = planImageRetention({ ...settings, images, budgetBytes: 12 * MB });
    expect(tight.remove.map((r) => [r.id, r.ownBytes])).toEqual([
      [images[3]?.id, 5 * MB],
      [images[2]?.id, 5 * MB],
    ]);
    expect(tight.keptBytes).toBe(10 * MB);
  });

  it('keeps an image of unknown age', () => {
    const unknown = image({ lastUsedAt: undefined, createdAt: undefined, service: 'x' });
    const other = image({ service: 'x', lastUsedAt: ago(500) });
    const plan = planImageRetention({ ...settings, images: [unknown, other] });
    expect(plan.remove.map((r) => r.id)).toEqual([other.id]);
  });
});
