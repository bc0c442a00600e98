import {
  type CostBreakdown,
  formatDollars,
  type PriceTable,
  priceUsage,
  usageUnits,
  utcDay,
} from '@berth/core';
import type { EnvironmentUsageRow, UsageTotals } from '@berth/db';
import { BadRequestException } from '@nestjs/common';

// How /admin/v1/costs shows usage and cost (decision 0025): usage in the units prices are given
// in, and dollars priced with the api's price table (PRICE_*), which the answer repeats.

export interface UsageView {
  cpuSeconds: number;
  cpuHours: number;
  memoryGbHours: number;
  diskGbHours: number;
  networkGb: number;
  /** Hours at least one of its containers ran. */
  awakeHours: number;
  containerHours: number;
  /** The largest disk footprint measured (GB). */
  diskGb: number;
  samples: number;
  firstDay: string | null;
  lastDay: string | null;
}

export interface CostView {
  cpu: number;
  memory: number;
  disk: number;
  network: number;
  total: number;
  /** `$0.42`. */
  formatted: string;
}

export interface PricesView {
  currency: 'USD';
  vcpuHour: number;
  memoryGbHour: number;
  diskGbMonth: number;
  networkGb: number;
}

export interface EnvironmentCostView {
  repository: string;
  pr: number;
  environmentId: string;
  state: string;
  dockerHost: string;
  createdAt: string;
  readyAt: string | null;
  destroyedAt: string | null;
  lastAccessAt: string | null;
  accessCount: number;
  usage: UsageView;
  cost: CostView;
}

const GB = 1024 ** 3;
const round = (n: number, digits = 6) => Number(n.toFixed(digits));

export function usageView(totals: UsageTotals): UsageView {
  const units = usageUnits(totals);
  return {
    cpuSeconds: round(totals.cpuSeconds, 3),
    cpuHours: round(units.cpuHours),
    memoryGbHours: round(units.memoryGbHours),
    diskGbHours: round(units.diskGbHours),
    networkGb: round(units.networkGb),
    awakeHours: round(totals.awakeSeconds / 3600),
    containerHours: round(totals.containerSeconds / 3600),
    diskGb: round(totals.diskBytes / GB),
    samples: totals.samples,
    firstDay: totals.firstDay,
    lastDay: totals.lastDay,
  };
}

export function costView(totals: UsageTotals, prices: PriceTable): CostView {
  const cost: CostBreakdown = priceUsage(totals, prices);
  return {
    cpu: round(cost.cpu),
    memory: round(cost.memory),
    disk: round(cost.disk),
    network: round(cost.network),
    total: round(cost.total),
    formatted: formatDollars(cost.total),
  };
}

export function pricesView(prices: PriceTable): PricesView {
  return { currency: 'USD', ...prices };
}

export function environmentCostView(
  row: EnvironmentUsageRow,
  prices: PriceTable,
): EnvironmentCostView {
  return {
    repository: row.repository,
    pr: row.prNumber,
    environmentId: row.environmentId,
    state: row.state,
    dockerHost: row.dockerHost,
    createdAt: row.createdAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    destroyedAt: row.destroyedAt?.toISOString() ?? null,
    lastAccessAt: row.lastAccessAt?.toISOString() ?? null,
    accessCount: row.accessCount,
    usage: usageView(row),
    cost: costView(row, prices),
  };
}

/** Sums rows' usage (disk footprint: the largest; days: the widest span). */
export function sumTotals(rows: readonly UsageTotals[]): UsageTotals {
  const days = rows.flatMap((r) => [r.firstDay, r.lastDay]).filter((d): d is string => !!d);
  days.sort();
  return {
    cpuSeconds: rows.reduce((s, r) => s + r.cpuSeconds, 0),
    memoryByteSeconds: rows.reduce((s, r) => s + r.memoryByteSeconds, 0),
    diskByteSeconds: rows.reduce((s, r) => s + r.diskByteSeconds, 0),
    networkBytes: rows.reduce((s, r) => s + r.networkBytes, 0),
    awakeSeconds: rows.reduce((s, r) => s + r.awakeSeconds, 0),
    containerSeconds: rows.reduce((s, r) => s + r.containerSeconds, 0),
    diskBytes: rows.reduce((s, r) => Math.max(s, r.diskBytes), 0),
    samples: rows.reduce((s, r) => s + r.samples, 0),
    firstDay: days[0] ?? null,
    lastDay: days.at(-1) ?? null,
  };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** The longest range one request sums (a year and a day). */
const MAX_DAYS = 366;

/**
 * `?from=&to=` (UTC days, inclusive): to defaults to today, from to 29 days before `to` (30
 * days in all). `?days=7` is the last 7 days to today.
 */
export function dayRange(
  query: { from?: string; to?: string; days?: string },
  now = Date.now(),
): { from: string; to: string } {
  const day = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const ms = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
    if (!Number.isFinite(ms) || utcDay(ms) !== value) {
      throw new BadRequestException(
        `${name} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`,
      );
    }
    return ms;
  };
  const to = day('to', query.to) ?? Date.parse(`${utcDay(now)}T00:00:00Z`);
  let from = day('from', query.from);
  if (query.days !== undefined) {
    if (from !== undefined) throw new BadRequestException('give days or from, not both');
    if (!/^[1-9]\d{0,2}$/.test(query.days) || Number(query.days) > MAX_DAYS) {
      throw new BadRequestException(
        `days must be 1 to ${MAX_DAYS}, got ${JSON.stringify(query.days)}`,
      );
    }
    from = to - (Number(query.days) - 1) * DAY_MS;
  }
  from ??= to - 29 * DAY_MS;
  if (from > to) throw new BadRequestException('from must not be after to');
  if ((to - from) / DAY_MS + 1 > MAX_DAYS) {
    throw new BadRequestException(`a range is at most ${MAX_DAYS} days`);
  }
  return { from: utcDay(from), to: utcDay(to) };
}
