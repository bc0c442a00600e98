import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
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

describe('image settings', () => {
  it('limits builds and pulls by default', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, valid);
    expect(config).toMatchObject({
      PULL_TIMEOUT_S: 600,
      BUILD_MEMORY_MB: 2048,
      BUILD_CPUS: 1,
      BUILD_PIDS: 512,
      BUILD_TIMEOUT_S: 1800,
      BUILD_NETWORK: 'bridge',
    });
    expect(config.REGISTRY_AUTH_FILE).toBeUndefined();
  });

  it('never offers the host network to builds', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, BUILD_NETWORK: 'host' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, BUILD_NETWORK: 'host' }),
    ).toThrow(/BUILD_NETWORK: must be bridge or none/);
  });

  it('takes fractional CPUs and refuses nonsense', () => {
    expect(
      loadConfig('berth-worker', workerConfigSchema, { ...valid, BUILD_CPUS: '0.5' }).BUILD_CPUS,
    ).toBe(0.5);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, BUILD_TIMEOUT_S: '0' }),
    ).toThrow(/BUILD_TIMEOUT_S: must be greater than 0/);
  });
});
