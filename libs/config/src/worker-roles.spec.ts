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

describe('WORKER_ROLES', () => {
  it('runs everything by default and takes a comma list', () => {
    expect(loadConfig('berth-worker', workerConfigSchema, valid).WORKER_ROLES).toEqual([
      'inbox',
      'relay',
      'stages',
      'sweep',
    ]);
    expect(
      loadConfig('berth-worker', workerConfigSchema, { ...valid, WORKER_ROLES: ' inbox, relay ' })
        .WORKER_ROLES,
    ).toEqual(['inbox', 'relay']);
  });

  it('names an unknown role and the ones that exist', () => {
    try {
      loadConfig('berth-worker', workerConfigSchema, { ...valid, WORKER_ROLES: 'inbox,docker' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/WORKER_ROLES.*one of inbox, relay, stages, sweep/s);
    }
  });
});
