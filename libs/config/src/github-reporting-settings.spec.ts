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

describe('GitHub reporting settings', () => {
  it('reports check runs and the commit status by default, edits at most every 2 s, no console link', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, valid);
    expect(config).toMatchObject({
      GITHUB_CHECK_RUNS: true,
      GITHUB_COMMIT_STATUS: true,
      CHECK_RUN_EDIT_INTERVAL_S: 2,
    });
    expect(config.CONSOLE_URL).toBeUndefined();
  });

  it('turns the commit status off and takes a console URL', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...valid,
      GITHUB_COMMIT_STATUS: 'false',
      CONSOLE_URL: 'https://berth.example.com',
    });
    expect(config).toMatchObject({
      GITHUB_COMMIT_STATUS: false,
      CONSOLE_URL: 'https://berth.example.com',
    });
  });

  it('refuses a flag that is not true or false, naming the setting', () => {
    expect(() =>
      loadConfig('berth-worker', workerConfigSchema, { ...valid, GITHUB_COMMIT_STATUS: 'flase' }),
    ).toThrow(/GITHUB_COMMIT_STATUS/);
  });
});
