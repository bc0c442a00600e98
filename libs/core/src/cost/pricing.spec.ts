import { describe, expect, it } from 'vitest';
import { diskByEnvironment } from './disk-share.js';
import {
  addUsage,
  BYTES_PER_GB,
  costLine,
  formatDollars,
  NO_USAGE,
  type PriceTable,
  priceUsage,
  usageUnits,
} from './pricing.js';

const prices: PriceTable = {
  vcpuHour: 0.04,
  memoryGbHour: 0.005,
  diskGbMonth: 0.1,
  networkGb: 0.01,
};

describe('priceUsage', () => {
  it('prices each kind in its unit: vCPU-hours, GB-hours, GB-months (730 h), GB', () => {
    const cost = priceUsage(
      {
        cpuSeconds: 2 * 3600, // 2 vCPU-hours
        memoryByteSeconds: 4 * BYTES_PER_GB * 3600, // 4 GB-hours
        diskByteSeconds: 10 * BYTES_PER_GB * 730 * 3600, // 10 GB-months
        networkBytes: 3 * BYTES_PER_GB,
      },
      prices,
    );
    expect(cost.cpu).toBeCloseTo(0.08, 12);
    expect(cost.memory).toBeCloseTo(0.02, 12);
    expect(cost.disk).toBeCloseTo(1, 12);
    expect(cost.network).toBeCloseTo(0.03, 12);
    expect(cost.total).toBeCloseTo(1.13, 12);
  });

  it('costs nothing for no usage, and nothing for a kind priced at 0', () => {
    expect(priceUsage(NO_USAGE, prices).total).toBe(0);
    const free = priceUsage({ ...NO_USAGE, networkBytes: 1e12 }, { ...prices, networkGb: 0 });
    expect(free.total).toBe(0);
  });

  it('shows usage in the price units', () => {
    const units = usageUnits({
      cpuSeconds: 1800,
      memoryByteSeconds: BYTES_PER_GB * 7200,
      diskByteSeconds: BYTES_PER_GB * 3600 * 73,
      networkBytes: BYTES_PER_GB / 2,
    });
    expect(units).toEqual({
      cpuHours: 0.5,
      memoryGbHours: 2,
      diskGbHours: 73,
      diskGbMonths: 0.1,
      networkGb: 0.5,
    });
  });

  it('adds usage kind by kind', () => {
    const one = { cpuSeconds: 1, memoryByteSeconds: 2, diskByteSeconds: 3, networkBytes: 4 };
    expect(addUsage(one, one)).toEqual({
      cpuSeconds: 2,
      memoryByteSeconds: 4,
      diskByteSeconds: 6,
      networkBytes: 8,
    });
  });
});

describe('formatDollars and the comment line', () => {
  it('rounds to cents, says when it is under one', () => {
    expect(formatDollars(0.42)).toBe('$0.42');
    expect(formatDollars(0.416)).toBe('$0.42');
    expect(formatDollars(1234.5)).toBe('$1,234.50');
    expect(formatDollars(0.004)).toBe('< $0.01');
    expect(formatDollars(0)).toBe('$0.00');
    expect(formatDollars(Number.NaN)).toBe('$0.00');
  });

  it('says "so far" while live, the total once destroyed, nothing before a measurement', () => {
    expect(costLine({ total: 0.42, measured: true }, 'live')).toBe(
      'This preview has cost $0.42 so far.',
    );
    expect(costLine({ total: 0.001, measured: true }, 'live')).toBe(
      'This preview has cost less than $0.01 so far.',
    );
    expect(costLine({ total: 3.5, measured: true }, 'destroyed')).toBe(
      'This preview cost $3.50 in all.',
    );
    expect(costLine({ total: 0, measured: false }, 'live')).toBeNull();
  });
});

describe('diskByEnvironment', () => {
  it('gives each environment its volumes and layers, and an equal share of images it runs', () => {
    const disk = diskByEnvironment({
      volumes: [
        { name: 'a-data', envLabel: 'acme/shop#1', bytes: 1_000 },
        { name: 'b-data', envLabel: 'acme/shop#2', bytes: 500 },
        { name: 'unlabelled', bytes: 9_999 },
      ],
      images: [
        { id: 'sha256:postgres', bytes: 400 },
        { id: 'sha256:api-1', bytes: 300 },
        { id: 'sha256:unused', bytes: 7_777 },
      ],
      containers: [
        { envLabel: 'acme/shop#1', imageId: 'sha256:postgres', writableBytes: 10 },
        { envLabel: 'acme/shop#1', imageId: 'sha256:api-1', writableBytes: 20 },
        // Two containers of one environment on one image: one share, not two.
        { envLabel: 'acme/shop#1', imageId: 'sha256:api-1', writableBytes: 0 },
        { envLabel: 'acme/shop#2', imageId: 'sha256:postgres', writableBytes: 5 },
        { imageId: 'sha256:postgres', writableBytes: 1 },
      ],
    });
    expect(disk.get('acme/shop#1')).toEqual({
      volumeBytes: 1_000,
      imageBytes: 200 + 300,
      containerBytes: 30,
      totalBytes: 1_530,
    });
    expect(disk.get('acme/shop#2')).toEqual({
      volumeBytes: 500,
      imageBytes: 200,
      containerBytes: 5,
      totalBytes: 705,
    });
    expect([...disk.keys()].sort()).toEqual(['acme/shop#1', 'acme/shop#2']);
  });
});
