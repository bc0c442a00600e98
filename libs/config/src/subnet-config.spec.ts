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

function load(env: Record<string, string>) {
  return loadConfig('berth-worker', workerConfigSchema, { ...valid, ...env });
}

function problems(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('worker subnet and host configuration', () => {
  it('defaults to 10.210.0.0/16 cut into /26s on the host named local', () => {
    const config = load({});
    expect(config.SUBNET_POOL).toBe('10.210.0.0/16');
    expect(config.SUBNET_PREFIX_LENGTH).toBe(26);
    expect(config.DOCKER_HOST_NAME).toBe('local');
  });

  it('accepts an operator pool, prefix and host name', () => {
    const config = load({
      SUBNET_POOL: ' 10.64.0.0/12 ',
      SUBNET_PREFIX_LENGTH: '28',
      DOCKER_HOST_NAME: 'docker-2.eu',
    });
    expect(config).toMatchObject({
      SUBNET_POOL: '10.64.0.0/12',
      SUBNET_PREFIX_LENGTH: 28,
      DOCKER_HOST_NAME: 'docker-2.eu',
    });
  });

  it.each([
    [
      '10.210.0.0',
      /SUBNET_POOL: `10\.210\.0\.0` is not an IPv4 CIDR range such as 10\.210\.0\.0\/16/,
    ],
    [
      '10.210.7.0/16',
      /SUBNET_POOL: `10\.210\.7\.0\/16` has host bits set.*write 10\.210\.0\.0\/16/,
    ],
    ['fd00::/48', /SUBNET_POOL: `fd00::\/48` is IPv6/],
  ])('names SUBNET_POOL=%s and how to fix it', (value, message) => {
    const error = problems({ SUBNET_POOL: value });
    expect(error.problems.map((p) => p.key)).toEqual(['SUBNET_POOL']);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('must not overlap the host');
  });

  it.each([
    ['12', /SUBNET_PREFIX_LENGTH: a \/12 subnet does not fit inside the pool 10\.210\.0\.0\/16/],
    ['31', /SUBNET_PREFIX_LENGTH: must be between 1 and 30/],
    ['abc', /SUBNET_PREFIX_LENGTH: must be a number/],
    ['26.5', /SUBNET_PREFIX_LENGTH: must be a whole number/],
  ])('names SUBNET_PREFIX_LENGTH=%s and how to fix it', (value, message) => {
    const error = problems({ SUBNET_PREFIX_LENGTH: value });
    expect(error.problems.map((p) => p.key)).toEqual(['SUBNET_PREFIX_LENGTH']);
    expect(error.message).toMatch(message);
  });

  it('reports a bad pool once, not again as a prefix problem', () => {
    const error = problems({ SUBNET_POOL: 'nope', SUBNET_PREFIX_LENGTH: '8' });
    expect(error.problems.map((p) => p.key)).toEqual(['SUBNET_POOL']);
  });

  it('refuses a host name that is not a DNS-ish label', () => {
    expect(problems({ DOCKER_HOST_NAME: 'My Host' }).message).toContain(
      'DOCKER_HOST_NAME: must be 1-63 chars of a-z, 0-9, . and -',
    );
  });
});

describe('MAX_NETWORKS', () => {
  it('defaults to 4 compose networks per preview and takes 1 to 16', () => {
    expect(load({}).MAX_NETWORKS).toBe(4);
    expect(load({ MAX_NETWORKS: '8' }).MAX_NETWORKS).toBe(8);
    for (const bad of ['0', '17', 'two']) {
      expect(problems({ MAX_NETWORKS: bad }).problems.map((p) => p.key)).toEqual(['MAX_NETWORKS']);
    }
  });
});
