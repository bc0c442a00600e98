import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { apiConfigSchema, workerConfigSchema } from './schemas.js';

const worker = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PREVIEW_LINK_SECRET: 'l'.repeat(32),
};
const api = {
  DATABASE_URL: worker.DATABASE_URL,
  REDIS_URL: worker.REDIS_URL,
  API_TOKEN: 't'.repeat(32),
};
const masterKey = randomBytes(32).toString('base64');

function problems(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

describe('GitHub App credentials and the master key', () => {
  it('runs the worker on the stored App with only BERTH_MASTER_KEY', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      BERTH_MASTER_KEY: masterKey,
    });
    expect(config.BERTH_MASTER_KEY?.length).toBe(32);
    expect(config.GITHUB_APP_ID).toBeUndefined();
  });

  it('asks for the master key, with the command that makes one, when no App is in the env', () => {
    const error = problems(() => loadConfig('berth-worker', workerConfigSchema, worker));
    expect(error.problems.map((p) => p.key)).toEqual(['BERTH_MASTER_KEY']);
    expect(error.message).toContain('openssl rand -base64 32');
    const apiError = problems(() => loadConfig('berth-api', apiConfigSchema, api));
    expect(apiError.problems.map((p) => p.key)).toEqual(['BERTH_MASTER_KEY']);
  });

  it('refuses a master key that is not 32 bytes of base64, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const error = problems(() =>
      loadConfig('berth-api', apiConfigSchema, { ...api, BERTH_MASTER_KEY: short }),
    );
    expect(error.message).toContain('BERTH_MASTER_KEY: must be 32 bytes, base64-encoded');
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).not.toContain(short);
  });

  it('wants GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY together', () => {
    const error = problems(() =>
      loadConfig('berth-worker', workerConfigSchema, {
        ...worker,
        GITHUB_APP_ID: '7',
        BERTH_MASTER_KEY: masterKey,
      }),
    );
    expect(error.problems.map((p) => p.key)).toEqual(['GITHUB_APP_PRIVATE_KEY']);
  });

  it('reads the allowlist lists', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      BERTH_MASTER_KEY: masterKey,
      ALLOWED_OWNERS: 'acme, octo',
      ALLOWED_REPOSITORIES: 'x/y',
    });
    expect(config.ALLOWED_OWNERS).toBe('acme, octo');
    expect(config.ALLOWED_REPOSITORIES).toBe('x/y');
  });
});
