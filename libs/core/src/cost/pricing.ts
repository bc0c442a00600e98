// Cost telemetry (decision 0025): the operator's price table turns measured usage into money.
// Usage is stored as measured (seconds, byte-seconds, bytes) and priced when it is read, so a
// change of prices applies to every figure shown from then on, past days included.

/** GB means GiB here, as Docker counts memory and disk (2^30 bytes). */
export const BYTES_PER_GB = 1024 ** 3;
/** A month of disk is 730 hours (365 × 24 / 12), as cloud price lists count it. */
export const HOURS_PER_MONTH = 730;

/** Dollars per unit (PRICE_* settings). */
export interface PriceTable {
  /** One CPU busy for an hour (3,600 CPU-seconds). */
  vcpuHour: number;
  /** One GB of memory in use for an hour. */
  memoryGbHour: number;
  /** One GB of disk (volumes, image shares, writable layers) kept for a month while awake. */
  diskGbMonth: number;
  /** One GB received or sent by the environment's containers. */
  networkGb: number;
}

/** What an environment (or a repository, or a day) used. */
export interface Usage {
  cpuSeconds: number;
  memoryByteSeconds: number;
  diskByteSeconds: number;
  networkBytes: number;
}

export interface CostBreakdown {
  cpu: number;
  memory: number;
  disk: number;
  network: number;
  total: number;
}

export const NO_USAGE: Usage = {
  cpuSeconds: 0,
  memoryByteSeconds: 0,
  diskByteSeconds: 0,
  networkBytes: 0,
};

/** The usage in the units prices are given in. */
export function usageUnits(usage: Usage): {
  cpuHours: number;
  memoryGbHours: number;
  diskGbHours: number;
  diskGbMonths: number;
  networkGb: number;
} {
  const diskGbHours = usage.diskByteSeconds / BYTES_PER_GB / 3600;
  return {
    cpuHours: usage.cpuSeconds / 3600,
    memoryGbHours: usage.memoryByteSeconds / BYTES_PER_GB / 3600,
    diskGbHours,
    diskGbMonths: diskGbHours / HOURS_PER_MONTH,
    networkGb: usage.networkBytes / BYTES_PER_GB,
  };
}

/** Dollars, unrounded (rounding is for display: sums of rounded parts drift). */
export function priceUsage(usage: Usage, prices: PriceTable): CostBreakdown {
  const units = usageUnits(usage);
  const cpu = units.cpuHours * prices.vcpuHour;
  const memory = units.memoryGbHours * prices.memoryGbHour;
  const disk = units.diskGbMonths * prices.diskGbMonth;
  const network = units.networkGb * prices.networkGb;
  return { cpu, memory, disk, network, total: cpu + memory + disk + network };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    cpuSeconds: a.cpuSeconds + b.cpuSeconds,
    memoryByteSeconds: a.memoryByteSeconds + b.memoryByteSeconds,
    diskByteSeconds: a.diskByteSeconds + b.diskByteSeconds,
    networkBytes: a.networkBytes + b.networkBytes,
  };
}

/** `$0.42`, `$12.30`, `$1,234.56`; a cost above zero but under a cent is `< $0.01`. */
export function formatDollars(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return '$0.00';
  if (amount < 0.005) return '< $0.01';
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * The PR comment's cost line: "so far" while the preview can still run, the final figure once
 * it is destroyed. Null when nothing was measured yet (no line rather than "$0.00").
 */
export function costLine(
  cost: { total: number; measured: boolean },
  state: 'live' | 'destroyed',
): string | null {
  if (!cost.measured) return null;
  const shown = formatDollars(cost.total);
  const amount = shown.startsWith('<') ? `less than ${shown.slice(2)}` : shown;
  return state === 'destroyed'
    ? `This preview cost ${amount} in all.`
    : `This preview has cost ${amount} so far.`;
}
