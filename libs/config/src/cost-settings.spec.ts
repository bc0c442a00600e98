import { describe, expect, it } from 'vitest';
import { priceTableOf } from './cost-settings.js';
import { loadConfig } from './load-config.js';
import { apiConfigSchema, workerConfigSchema } from './schemas.js';

const common = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
};
const worker = (env: Record<string, string>) =>
  loadConfig('berth-worker', workerConfigSchema, {
    ...common,
    GITHUB_APP_ID: '1',
    GITHUB_APP_PRIVATE_KEY: 'k'.repeat(64),
    BERTH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    PREVIEW_LINK_SECRET: 's'.repeat(32),
    ...env,
  });
const api = (env: Record<string, string>) =>
  loadConfig('berth-api', apiConfigSchema, {
    ...common,
    GITHUB_WEBHOOK_SECRET: 'w'.repeat(16),
    API_TOKEN: 't'.repeat(32),
    ...env,
  });

describe('cost telemetry settings', () => {
  it('samples every minute and measures disk every 15 minutes by default', () => {
    expect(worker({})).toMatchObject({ COST_SAMPLE_INTERVAL_S: 60, COST_DISK_INTERVAL_S: 900 });
    expect(worker({ COST_SAMPLE_INTERVAL_S: '0' }).COST_SAMPLE_INTERVAL_S).toBe(0);
  });

  it('refuses intervals that are too short, saying what is allowed', () => {
    expect(() => worker({ COST_SAMPLE_INTERVAL_S: '2' })).toThrow(
      /COST_SAMPLE_INTERVAL_S: must be 0 \(no cost telemetry\) or 5 to 3600 seconds/,
    );
    expect(() => worker({ COST_DISK_INTERVAL_S: '10' })).toThrow(
      /COST_DISK_INTERVAL_S: must be at least 60 seconds/,
    );
  });

  it('prices with documented defaults on the api and the worker alike', () => {
    const prices = priceTableOf(api({}));
    expect(prices).toEqual({
      vcpuHour: 0.04048,
      memoryGbHour: 0.004445,
      diskGbMonth: 0.08,
      networkGb: 0,
    });
    expect(priceTableOf(worker({}))).toEqual(prices);
  });

  it('takes the operator’s prices, never a negative one', () => {
    expect(priceTableOf(api({ PRICE_VCPU_HOUR: '0.05', PRICE_NETWORK_GB: '0.09' }))).toMatchObject({
      vcpuHour: 0.05,
      networkGb: 0.09,
    });
    expect(() => api({ PRICE_GB_MONTH: '-1' })).toThrow(/PRICE_GB_MONTH: must be 0 or more/);
    expect(() => api({ PRICE_GB_HOUR: 'cheap' })).toThrow(
      /PRICE_GB_HOUR: must be a number of dollars per GB-hour/,
    );
  });
});
