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

describe('runtime settings', () => {
  it('has ceilings by default and derives the memory commitment from the engine', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, valid);
    expect(config).toMatchObject({
      MAX_SERVICE_MEMORY_MB: 4096,
      MAX_SERVICE_CPUS: 2,
      MAX_SERVICE_PIDS: 1024,
      MAX_SERVICES: 20,
      HOST_MEMORY_COMMIT_RATIO: 0.9,
    });
    expect(config.HOST_MEMORY_COMMIT_MB).toBeUndefined();
  });

  it('takes an explicit commitment in MB', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...valid,
      HOST_MEMORY_COMMIT_MB: '16384',
    });
    expect(config.HOST_MEMORY_COMMIT_MB).toBe(16384);
  });

  it('refuses a commitment that is not a positive whole number of MB, saying so', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, HOST_MEMORY_COMMIT_MB: '8g' }),
    ).toThrow(/HOST_MEMORY_COMMIT_MB: must be a number \(MB\)/);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, HOST_MEMORY_COMMIT_MB: '0' }),
    ).toThrow(/HOST_MEMORY_COMMIT_MB: must be greater than 0/);
  });

  it('refuses a ratio of 0 or a wild overcommit', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, HOST_MEMORY_COMMIT_RATIO: '0' }),
    ).toThrow(/HOST_MEMORY_COMMIT_RATIO: must be greater than 0/);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, HOST_MEMORY_COMMIT_RATIO: '10' }),
    ).toThrow(/HOST_MEMORY_COMMIT_RATIO: must be at most 4/);
  });

  it('lets a preview wait an hour for host memory unless the operator says otherwise', () => {
    expect(loadConfig('berth-worker', workerConfigSchema, valid).ADMISSION_MAX_WAIT_S).toBe(3600);
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...valid,
      ADMISSION_MAX_WAIT_S: '7200',
    });
    expect(config.ADMISSION_MAX_WAIT_S).toBe(7200);
  });

  it('refuses a maximum wait that is not a positive whole number of seconds, saying so', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, ADMISSION_MAX_WAIT_S: '1h' }),
    ).toThrow(/ADMISSION_MAX_WAIT_S: must be a number/);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, ADMISSION_MAX_WAIT_S: '0' }),
    ).toThrow(/ADMISSION_MAX_WAIT_S: must be greater than 0/);
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, ADMISSION_MAX_WAIT_S: '1.5' }),
    ).toThrow(/ADMISSION_MAX_WAIT_S: must be a whole number/);
  });

  it('refuses a service cap of 0', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, MAX_SERVICES: '0' }),
    ).toThrow(/MAX_SERVICES: must be greater than 0/);
  });
});
