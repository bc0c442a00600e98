import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { gatewayConfigSchema, workerConfigSchema } from './schemas.js';

const valid = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  GITHUB_APP_ID: '1',
  GITHUB_APP_PRIVATE_KEY: 'k'.repeat(64),
  BERTH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  PREVIEW_LINK_SECRET: 's'.repeat(32),
};
const worker = (env: Record<string, string>) =>
  loadConfig('berth-worker', workerConfigSchema, { ...valid, ...env });
const gateway = (env: Record<string, string>) =>
  loadConfig('berth-gateway', gatewayConfigSchema, { ...valid, ...env });

describe('sleep settings (decision 0024)', () => {
  it('never puts previews to sleep by default, and sweeps every 5 minutes when asked to', () => {
    expect(worker({})).toMatchObject({ IDLE_SLEEP_HOURS: 0, SLEEP_SWEEP_INTERVAL_S: 300 });
    expect(worker({ IDLE_SLEEP_HOURS: '4', SLEEP_SWEEP_INTERVAL_S: '1' })).toMatchObject({
      IDLE_SLEEP_HOURS: 4,
      SLEEP_SWEEP_INTERVAL_S: 1,
    });
  });

  it('names the variable and the fix', () => {
    expect(() => worker({ IDLE_SLEEP_HOURS: '4h' })).toThrow(
      /IDLE_SLEEP_HOURS: must be a number of hours/,
    );
    expect(() => worker({ IDLE_SLEEP_HOURS: '1.5' })).toThrow(/whole number of hours/);
    expect(() => worker({ IDLE_SLEEP_HOURS: '400' })).toThrow(/at most 336 hours/);
    expect(() => worker({ SLEEP_SWEEP_INTERVAL_S: '-1' })).toThrow(/SLEEP_SWEEP_INTERVAL_S/);
  });

  it('holds a request to a sleeping preview 5 s by default, at most 30 s', () => {
    expect(gateway({}).WAKE_HOLD_MS).toBe(5_000);
    expect(gateway({ WAKE_HOLD_MS: '0' }).WAKE_HOLD_MS).toBe(0);
    expect(() => gateway({ WAKE_HOLD_MS: '60000' })).toThrow(/WAKE_HOLD_MS: must be at most/);
  });
});
