import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';
import { dnsTarget } from './dns-settings.js';
import { workerConfigSchema } from './schemas.js';

const worker = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PREVIEW_LINK_SECRET: 'l'.repeat(32),
  GITHUB_APP_ID: '7',
  GITHUB_APP_PRIVATE_KEY: 'k'.repeat(64),
};
const key = () => randomBytes(32).toString('base64');

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig('berth-worker', workerConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('preview secret settings', () => {
  it('keeps preview secrets in Postgres by default, which needs the master key', () => {
    const error = problemsOf(worker);
    expect(error.problems.map((p) => p.key)).toEqual(['BERTH_MASTER_KEY']);
    expect(error.message).toContain('openssl rand -base64 32');
    expect(error.message).toContain('SECRET_BACKEND=aws');
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      BERTH_MASTER_KEY: key(),
    });
    expect(config.SECRET_BACKEND).toBe('postgres');
    expect(config.PREVIEW_SECRET_PREFIX).toBe('berth/preview');
    expect(config.BERTH_MASTER_KEY_PREVIOUS).toEqual([]);
  });

  it('runs on Secrets Manager without a master key', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      SECRET_BACKEND: 'aws',
      PRODUCTION_SECRET_TAGS: 'environment=production',
    });
    expect(config.SECRET_BACKEND).toBe('aws');
  });

  it('names a malformed production tag and the form it needs', () => {
    const error = problemsOf({ ...worker, SECRET_BACKEND: 'aws', PRODUCTION_SECRET_TAGS: 'prod' });
    expect(error.problems).toEqual([
      expect.objectContaining({
        key: 'PRODUCTION_SECRET_TAGS',
        message: expect.stringContaining('key=value') as string,
      }),
    ]);
  });

  it('reads the keys being rotated out, and refuses a bad one without echoing it', () => {
    const [a, b] = [key(), key()];
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      BERTH_MASTER_KEY: key(),
      BERTH_MASTER_KEY_PREVIOUS: `${a}, ${b}`,
    });
    expect(config.BERTH_MASTER_KEY_PREVIOUS.map((k) => k.toString('base64'))).toEqual([a, b]);
    const short = randomBytes(8).toString('base64');
    const error = problemsOf({
      ...worker,
      BERTH_MASTER_KEY: key(),
      BERTH_MASTER_KEY_PREVIOUS: short,
    });
    expect(error.problems.map((p) => p.key)).toEqual(['BERTH_MASTER_KEY_PREVIOUS']);
    expect(error.message).not.toContain(short);
  });

  it('reads the master key from a file (BERTH_MASTER_KEY_FILE), and names a file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-key-'));
    try {
      const value = key();
      await writeFile(join(dir, 'master.key'), `${value}\n`, { mode: 0o600 });
      const config = loadConfig('berth-worker', workerConfigSchema, {
        ...worker,
        BERTH_MASTER_KEY_FILE: join(dir, 'master.key'),
      });
      expect(config.BERTH_MASTER_KEY?.toString('base64')).toBe(value);
      const error = problemsOf({ ...worker, BERTH_MASTER_KEY_FILE: join(dir, 'missing.key') });
      expect(error.problems[0]).toMatchObject({
        key: 'BERTH_MASTER_KEY_FILE',
        message: `cannot read ${join(dir, 'missing.key')}: ENOENT`,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DNS settings', () => {
  it('uses the wildcard record by default', () => {
    const config = loadConfig('berth-worker', workerConfigSchema, {
      ...worker,
      BERTH_MASTER_KEY: key(),
    });
    expect(config.DNS_PROVIDER).toBe('wildcard');
    expect(config.DNS_TTL_S).toBe(60);
  });

  it('asks for the zone and the target with route53, saying what each is', () => {
    const error = problemsOf({ ...worker, BERTH_MASTER_KEY: key(), DNS_PROVIDER: 'route53' });
    expect(error.problems.map((p) => p.key)).toEqual(['DNS_TARGET', 'ROUTE53_HOSTED_ZONE_ID']);
    expect(error.message).toContain('hosted zone holding BASE_DOMAIN');
    const bad = problemsOf({
      ...worker,
      BERTH_MASTER_KEY: key(),
      DNS_PROVIDER: 'route53',
      ROUTE53_HOSTED_ZONE_ID: 'zone-1',
      DNS_TARGET: 'gateway.example.com',
    });
    expect(bad.problems.map((p) => p.key)).toEqual(['ROUTE53_HOSTED_ZONE_ID']);
  });

  it('points hosts at a name (CNAME) or at addresses (A/AAAA)', () => {
    expect(dnsTarget('gateway.example.com')).toEqual({ cname: 'gateway.example.com' });
    expect(dnsTarget('203.0.113.7, 2001:db8::7')).toEqual({
      addresses: ['203.0.113.7', '2001:db8::7'],
    });
  });
});
