import { describe, expect, it } from 'vitest';
import { costQuery, describeReport, usageLine } from './cost-command.js';
import type { CostReport } from './rest-client.js';
import { UsageError } from './repo-flags.js';

const usage = {
  cpuSeconds: 4_500,
  cpuHours: 1.25,
  memoryGbHours: 3.5,
  diskGbHours: 10,
  networkGb: 0.01,
  awakeHours: 2,
  containerHours: 4,
  diskGb: 1.5,
  samples: 120,
  firstDay: '2026-12-04',
  lastDay: '2026-12-05',
};
const cost = {
  cpu: 0.05,
  memory: 0.0156,
  disk: 0.0011,
  network: 0,
  total: 0.0667,
  formatted: '$0.07',
};

describe('berth cost', () => {
  it('builds the api query from --repo, --days, --from and --to', () => {
    expect(costQuery({ repo: 'acme/shop', days: '7' })).toEqual({
      repository: 'acme/shop',
      days: '7',
    });
    expect(costQuery({ from: '2026-12-01', to: '2026-12-04' })).toEqual({
      from: '2026-12-01',
      to: '2026-12-04',
    });
    expect(costQuery({})).toEqual({});
  });

  it('refuses a malformed flag, naming it', () => {
    expect(() => costQuery({ repo: 'shop' })).toThrow(/--repo must be owner\/name/);
    expect(() => costQuery({ days: '0' })).toThrow(/--days must be a number of days/);
    expect(() => costQuery({ days: '7', from: '2026-12-01' })).toThrow(UsageError);
    expect(() => costQuery({ from: '1 Dec' })).toThrow(/--from must be a day as YYYY-MM-DD/);
  });

  it('prints one line per row in the price units, the total and the prices', () => {
    expect(usageLine(usage, cost)).toBe(
      'cpu 1.25 h  mem 3.50 GB-h  disk 1.50 GB  net 0.01 GB  $0.07',
    );
    const report: CostReport = {
      by: 'repository',
      from: '2026-11-05',
      to: '2026-12-04',
      repository: null,
      prices: {
        currency: 'USD',
        vcpuHour: 0.04,
        memoryGbHour: 0.0045,
        diskGbMonth: 0.08,
        networkGb: 0,
      },
      total: { usage, cost },
      rows: [{ repository: 'acme/shop', environments: 3, usage, cost }],
    };
    expect(describeReport(report)).toEqual([
      '2026-11-05 to 2026-12-04, by repository',
      '  acme/shop (3 previews)  cpu 1.25 h  mem 3.50 GB-h  disk 1.50 GB  net 0.01 GB  $0.07',
      'total  cpu 1.25 h  mem 3.50 GB-h  disk 1.50 GB  net 0.01 GB  $0.07',
      'prices: $0.04/vCPU-h, $0.0045/GB-h, $0.08/GB-month, $0/GB network',
    ]);
  });
});
