import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { apiConfigSchema, gatewayConfigSchema, workerConfigSchema } from './schemas.js';
import { redactConfig } from './secrets.js';

const valid = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  GITHUB_WEBHOOK_SECRET: 'a'.repeat(32),
  API_TOKEN: 't'.repeat(32),
};

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig('berth-api', apiConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig('berth-api', apiConfigSchema, valid);
    expect(config.API_PORT).toBe(3000);
    expect(config.API_HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
    expect(loadConfig('berth-api', apiConfigSchema, { ...valid, API_PORT: '4000' }).API_PORT).toBe(
      4000,
    );
  });

  it('lists every missing or invalid variable at once, sorted, with a hint', () => {
    const error = problemsOf({ API_PORT: 'abc', REDIS_URL: 'http://nope' });
    expect(error.problems.map((p) => p.key)).toEqual([
      'API_PORT',
      'API_TOKEN',
      'DATABASE_URL',
      'REDIS_URL',
    ]);
    expect(error.message).toContain('berth-api: configuration is invalid (4 problems):');
    expect(error.message).toContain('  - DATABASE_URL: is required — e.g. postgresql://');
    expect(error.message).toContain('  - REDIS_URL: must be a redis:// or rediss:// URL');
    expect(error.message).toContain('  - API_PORT: must be a number');
  });

  it('treats blank values as unset and rejects short secrets without echoing them', () => {
    const error = problemsOf({
      ...valid,
      GITHUB_WEBHOOK_SECRET: 'short-secret',
      DATABASE_URL: ' ',
    });
    expect(error.problems.map((p) => p.key)).toEqual(['DATABASE_URL', 'GITHUB_WEBHOOK_SECRET']);
    expect(error.message).toContain('must be at least 16 characters');
    expect(error.message).not.toContain('short-secret');
  });

  it('rejects ports out of range and bad base domains', () => {
    expect(problemsOf({ ...valid, API_PORT: '70000' }).message).toContain(
      'must be between 1 and 65535',
    );
    expect(() =>
      loadConfig('berth-gateway', gatewayConfigSchema, { ...valid, BASE_DOMAIN: 'bad_domain!' }),
    ).toThrow(/BASE_DOMAIN: must be a DNS name/);
  });

  it('takes the worker niceness and crash-recovery times, refusing a niceness outside 0-19', () => {
    const worker = {
      ...valid,
      PREVIEW_LINK_SECRET: 'p'.repeat(32),
      BERTH_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const config = loadConfig('berth-worker', workerConfigSchema, worker);
    expect([config.WORKER_NICE, config.JOB_LOCK_S, config.STAGE_LEASE_S]).toEqual([0, 30, 20]);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...worker, WORKER_NICE: '-5' }),
    ).toThrow(/WORKER_NICE: must be 0 \(normal\) to 19 \(lowest\)/);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...worker, JOB_LOCK_S: '0' }),
    ).toThrow(/JOB_LOCK_S: must be greater than 0/);
  });
});

describe('redactConfig', () => {
  it('never exposes secret values or URL credentials', () => {
    const safe = redactConfig(loadConfig('berth-api', apiConfigSchema, valid));
    const text = JSON.stringify(safe);
    expect(text).not.toContain('pw@');
    expect(text).not.toContain('a'.repeat(32));
    expect(safe['DATABASE_URL']).toBe('postgresql://127.0.0.1:5432');
    expect(safe['GITHUB_WEBHOOK_SECRET']).toBe('[redacted]');
    expect(safe['API_TOKEN']).toBe('[redacted]');
  });
});
