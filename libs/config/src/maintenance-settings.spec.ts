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

describe('reconciler settings', () => {
  it('runs every 10 minutes with a 15 minute grace by default', () => {
    expect(load({})).toMatchObject({ RECONCILE_INTERVAL_S: 600, RECONCILE_GRACE_S: 900 });
  });

  it('takes an interval, or 0 for on-demand runs only, and a grace', () => {
    expect(load({ RECONCILE_INTERVAL_S: '3600', RECONCILE_GRACE_S: '1800' })).toMatchObject({
      RECONCILE_INTERVAL_S: 3600,
      RECONCILE_GRACE_S: 1800,
    });
    expect(load({ RECONCILE_INTERVAL_S: '0' }).RECONCILE_INTERVAL_S).toBe(0);
  });

  it('refuses nonsense, saying what is allowed', () => {
    expect(() => load({ RECONCILE_INTERVAL_S: '10m' })).toThrow(
      /RECONCILE_INTERVAL_S: must be a number of seconds/,
    );
    expect(() => load({ RECONCILE_INTERVAL_S: '5' })).toThrow(
      /RECONCILE_INTERVAL_S: must be 0 \(no scheduled runs\) or 60 to 86400 seconds/,
    );
    expect(() => load({ RECONCILE_GRACE_S: '10' })).toThrow(
      /RECONCILE_GRACE_S: must be at least 60 seconds: a younger object may be one a stage/,
    );
    expect(() => load({ RECONCILE_GRACE_S: '1.5' })).toThrow(
      /RECONCILE_GRACE_S: must be a whole number of seconds/,
    );
  });
});

describe('TTL settings', () => {
  it('sweeps every minute, 72 h by default, labels capped at 14 days', () => {
    expect(load({})).toMatchObject({
      TTL_SWEEP_INTERVAL_S: 60,
      TTL_DEFAULT_HOURS: 72,
      TTL_MAX_HOURS: 336,
    });
  });

  it('takes a fast sweep (tests), 0 for none, and a tighter policy', () => {
    expect(load({ TTL_SWEEP_INTERVAL_S: '1' }).TTL_SWEEP_INTERVAL_S).toBe(1);
    expect(load({ TTL_SWEEP_INTERVAL_S: '0' }).TTL_SWEEP_INTERVAL_S).toBe(0);
    expect(load({ TTL_DEFAULT_HOURS: '24', TTL_MAX_HOURS: '48' })).toMatchObject({
      TTL_DEFAULT_HOURS: 24,
      TTL_MAX_HOURS: 48,
    });
  });

  it('refuses nonsense, saying what is allowed', () => {
    expect(() => load({ TTL_SWEEP_INTERVAL_S: '1m' })).toThrow(
      /TTL_SWEEP_INTERVAL_S: must be a number of seconds/,
    );
    expect(() => load({ TTL_SWEEP_INTERVAL_S: '-1' })).toThrow(/TTL_SWEEP_INTERVAL_S: must be 0/);
    expect(() => load({ TTL_MAX_HOURS: '0' })).toThrow(/TTL_MAX_HOURS: must be at least 1 hour/);
    expect(() => load({ TTL_MAX_HOURS: '1000' })).toThrow(
      /TTL_MAX_HOURS: must be at most 336 hours/,
    );
    expect(() => load({ TTL_DEFAULT_HOURS: '2.5' })).toThrow(
      /TTL_DEFAULT_HOURS: must be a whole number of hours/,
    );
    expect(() => load({ TTL_DEFAULT_HOURS: '72', TTL_MAX_HOURS: '24' })).toThrow(
      /TTL_DEFAULT_HOURS: must not exceed TTL_MAX_HOURS \(24\)/,
    );
  });
});
