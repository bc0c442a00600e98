import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { workerConfigSchema } from './schemas.js';

const valid = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  GITHUB_APP_ID: '1',
  GITHUB_APP_PRIVATE_KEY: 'k'.repeat(64),
  BERTH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  PREVIEW_LINK_SECRET: 's'.repeat(32),
};
const load = (env: Record<string, string>) =>
  loadConfig('berth-worker', workerConfigSchema, { ...valid, ...env });

describe('resync settings (RESYNC_INTERVAL_S)', () => {
  it('resyncs with GitHub every 5 minutes by default', () => {
    expect(load({}).RESYNC_INTERVAL_S).toBe(300);
  });

  it('takes an interval, or 0 for on-demand runs only', () => {
    expect(load({ RESYNC_INTERVAL_S: '30' }).RESYNC_INTERVAL_S).toBe(30);
    expect(load({ RESYNC_INTERVAL_S: '86400' }).RESYNC_INTERVAL_S).toBe(86_400);
    expect(load({ RESYNC_INTERVAL_S: '0' }).RESYNC_INTERVAL_S).toBe(0);
  });

  it('refuses nonsense, saying what is allowed', () => {
    expect(() => load({ RESYNC_INTERVAL_S: '5m' })).toThrow(
      /RESYNC_INTERVAL_S: must be a number of seconds/,
    );
    expect(() => load({ RESYNC_INTERVAL_S: '10' })).toThrow(
      /RESYNC_INTERVAL_S: must be 0 \(no scheduled resync\) or 30 to 86400 seconds/,
    );
    expect(() => load({ RESYNC_INTERVAL_S: '90000' })).toThrow(/RESYNC_INTERVAL_S: must be 0/);
    expect(() => load({ RESYNC_INTERVAL_S: '60.5' })).toThrow(
      /RESYNC_INTERVAL_S: must be a whole number of seconds/,
    );
  });
});
