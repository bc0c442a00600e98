import type { PriceTable } from '@berth/core';
import { z } from 'zod';

// Cost telemetry (docs/decisions/0025-cost-telemetry.md): how often a worker with the `sweep`
// role samples its Docker host's previews, how often it measures their disk, and the operator's
// price table that turns usage into money (the api's reports, the PR comment, metrics).

export const DEFAULT_COST_SAMPLE_INTERVAL_S = 60;
export const DEFAULT_COST_DISK_INTERVAL_S = 900;

// Defaults: roughly an on-demand cloud container's list prices (AWS Fargate, Linux/x86,
// us-east-1: $0.04048 per vCPU-hour, $0.004445 per GB-hour) and block storage (gp3: $0.08 per
// GB-month). Network inside a host is free; an operator who pays for egress sets it.
export const DEFAULT_PRICE_VCPU_HOUR = 0.04048;
export const DEFAULT_PRICE_GB_HOUR = 0.004445;
export const DEFAULT_PRICE_GB_MONTH = 0.08;
export const DEFAULT_PRICE_NETWORK_GB = 0;

export const costSamplingSettings = {
  COST_SAMPLE_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 60' })
    .int('must be a whole number of seconds')
    .refine(
      (s) => s === 0 || (s >= 5 && s <= 3_600),
      'must be 0 (no cost telemetry) or 5 to 3600 seconds',
    )
    .default(DEFAULT_COST_SAMPLE_INTERVAL_S)
    .describe(
      "seconds between readings of each running preview container's CPU, memory and network " +
        '(workers with the sweep role, one pass per Docker host at a time); 0 = off; default ' +
        `${DEFAULT_COST_SAMPLE_INTERVAL_S}`,
    ),
  COST_DISK_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 900' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds: measuring disk walks every volume on the host')
    .max(86_400, 'must be at most 86400 seconds (1 day)')
    .default(DEFAULT_COST_DISK_INTERVAL_S)
    .describe(
      "seconds between measurements of previews' disk (volumes, image shares, writable " +
        `layers); in between, the last measurement is used; default ${DEFAULT_COST_DISK_INTERVAL_S}`,
    ),
};

function price(fallback: number, unit: string) {
  return z.coerce
    .number({ error: `must be a number of dollars per ${unit}, e.g. ${fallback}` })
    .min(0, 'must be 0 or more')
    .max(1_000, 'must be at most 1000')
    .default(fallback)
    .describe(`dollars per ${unit}; default ${fallback}`);
}

export const priceSettings = {
  PRICE_VCPU_HOUR: price(DEFAULT_PRICE_VCPU_HOUR, 'vCPU-hour (3,600 CPU-seconds)'),
  PRICE_GB_HOUR: price(DEFAULT_PRICE_GB_HOUR, 'GB-hour of memory in use (GB = GiB)'),
  PRICE_GB_MONTH: price(DEFAULT_PRICE_GB_MONTH, 'GB-month of disk (730 hours; while awake)'),
  PRICE_NETWORK_GB: price(DEFAULT_PRICE_NETWORK_GB, 'GB received or sent'),
};

/** The price table core's `priceUsage` takes, from the settings. */
export function priceTableOf(config: {
  PRICE_VCPU_HOUR: number;
  PRICE_GB_HOUR: number;
  PRICE_GB_MONTH: number;
  PRICE_NETWORK_GB: number;
}): PriceTable {
  return {
    vcpuHour: config.PRICE_VCPU_HOUR,
    memoryGbHour: config.PRICE_GB_HOUR,
    diskGbMonth: config.PRICE_GB_MONTH,
    networkGb: config.PRICE_NETWORK_GB,
  };
}
