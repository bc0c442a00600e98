import { describe, expect, it } from 'vitest';
import { shortHash } from './hash.js';
import { environmentIdentity } from './identity.js';
import {
  containerName,
  databaseName,
  databaseRoleName,
  imageTag,
  jobId,
  networkName,
  environmentDomain,
  environmentLabel,
  previewHostname,
  previewUrl,
  serviceLabel,
  volumeName,
} from './resource-names.js';

const shop = environmentIdentity('acme/shop', 7);
const longRepo = environmentIdentity(
  `some-organisation/${'a-very-long-repository-name-'.repeat(3)}x`,
  123456,
);
const HASH = 'abcdef0123456789';

describe('resource names', () => {
  it('derive readable names from the identity', () => {
    expect(networkName(shop)).toBe('berth-acme--shop-pr-7');
    expect(containerName(shop, 'api')).toBe('berth-acme--shop-pr-7-api');
    expect(volumeName(shop, 'db-data')).toBe('berth-acme--shop-pr-7-db-data');
    expect(databaseName(shop)).toBe('berth_acme__shop_pr_7');
    expect(databaseRoleName(shop)).toBe('berth_acme__shop_pr_7_app');
    expect(imageTag(shop.repository, 'web', HASH)).toBe(`berth/acme--shop-web:${HASH}`);
  });

  it('put slot 1 apart with `--b`, and leave slot 0 as names were before slots', () => {
    const b = environmentIdentity('acme/shop', 7, 1);
    expect(environmentIdentity('acme/shop', 7, 0)).toEqual(shop);
    expect(networkName(b)).toBe('berth-acme--shop-pr-7--b');
    expect(networkName(b, 'back')).toBe('berth-acme--shop-pr-7--b-net-back');
    expect(containerName(b, 'api')).toBe('berth-acme--shop-pr-7--b-api');
    expect(volumeName(b, 'db-data')).toBe('berth-acme--shop-pr-7--b-db-data');
    // No service of slot 0 can take a slot-1 name: a slug never starts with `-`.
    expect(containerName(shop, '-b-api')).not.toBe(containerName(b, 'api'));
    expect(containerName(shop, 'b-api')).not.toBe(containerName(b, 'api'));
    // What is not a resource of the slot keeps one name.
    expect(databaseName(b)).toBe(databaseName(shop));
    expect(() => containerName({ ...shop, slot: 2 }, 'api')).toThrow(/slot must be 0 or 1/);
    const long = containerName({ ...longRepo, slot: 1 }, 'api');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(containerName(longRepo, 'api'));
  });

  it('are stable across calls and case', () => {
    const again = environmentIdentity('ACME/Shop', 7);
    expect(containerName(again, 'api')).toBe(containerName(shop, 'api'));
    expect(databaseName(again)).toBe(databaseName(shop));
  });

  it('never exceed 63 chars, and stay distinct when shortened', () => {
    const names = [
      networkName(longRepo),
      containerName(longRepo, 'service-with-a-long-name-too'),
      containerName(longRepo, 'service-with-a-long-name-two'),
      volumeName(longRepo, 'data'),
      databaseName(longRepo),
      databaseRoleName(longRepo),
    ];
    for (const name of names) expect(name.length).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(names.length);
    expect(databaseName(longRepo)).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(Buffer.byteLength(databaseName(longRepo))).toBeLessThanOrEqual(63);
  });

  it('PR 1 and PR 11 and PR 1 of another repo never share a name', () => {
    const ids = [
      shop,
      environmentIdentity('acme/shop', 1),
      environmentIdentity('acme/shop', 11),
      environmentIdentity('acme/shop-pr-1', 1),
      environmentIdentity('acme-shop/x', 1),
      environmentIdentity('other/shop', 7),
    ];
    const nets = ids.map((i) => networkName(i));
    expect(new Set(nets).size).toBe(ids.length);
    expect(new Set(ids.map(databaseName)).size).toBe(ids.length);
  });

  it('keeps services whose slugs would merge apart', () => {
    expect(containerName(shop, 'api_v2')).not.toBe(containerName(shop, 'api-v2'));
    expect(containerName(shop, 'API')).not.toBe(containerName(shop, 'api'));
  });

  it('rejects service/volume names without usable characters', () => {
    expect(() => containerName(shop, '___')).toThrow(/service name `___`/);
    expect(() => volumeName(shop, '')).toThrow(/volume name/);
  });

  it('image tags reject non-hex hashes', () => {
    expect(() => imageTag(shop.repository, 'web', 'latest')).toThrow(/build hash/);
    expect(() => imageTag(shop.repository, 'web', 'ABCDEF0123456789')).toThrow(/build hash/);
    expect(() => imageTag(shop.repository, 'web', 'abc')).toThrow(/build hash/);
  });

  it('image reference is a valid docker reference', () => {
    const ref = imageTag(longRepo.repository, 'Web_Frontend', HASH);
    expect(ref).toMatch(/^berth\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*:[a-f0-9]+$/);
  });
});

describe('jobId', () => {
  it('is {env}-{generation}-{stage}', () => {
    expect(jobId('clx123', 3, 'build')).toBe('clx123-3-build');
  });

  it('refuses colons and other separators anywhere', () => {
    expect(() => jobId('env:1', 1, 'build')).toThrow(/no `:`/);
    expect(() => jobId('env', 1, 'build:x')).toThrow(/stage/);
    expect(() => jobId('', 1, 'build')).toThrow(/environment id/);
  });

  it('keeps ids unambiguous: stages are letters only', () => {
    expect(() => jobId('e', 1, 'a-2-b')).toThrow(/stage/);
    expect(() => jobId('e', 1, 'build2')).toThrow(/stage/);
    expect(() => jobId('e', 1, 'x'.repeat(33))).toThrow(/stage/);
    expect(jobId('e-1-a', 2, 'b')).toBe('e-1-a-2-b');
    expect(jobId('e', 1, 'teardown-final')).toBe('e-1-teardown-final');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses generation %s', (g) => {
    expect(() => jobId('env', g, 'build')).toThrow(/generation/);
  });

  it('differs per generation and stage', () => {
    expect(jobId('e', 1, 'build')).not.toBe(jobId('e', 2, 'build'));
    expect(jobId('e', 1, 'build')).not.toBe(jobId('e', 1, 'wire'));
  });
});

describe('preview hostnames', () => {
  const H = shortHash('acme/shop', 10);

  it('are a service label under the environment label under the base domain', () => {
    expect(previewHostname(shop, 'web', 'localhost')).toBe(`web.pr-7-shop-${H}.localhost`);
    expect(previewHostname(shop, 'api', 'Preview.Example.com.')).toBe(
      `api.pr-7-shop-${H}.preview.example.com`,
    );
    expect(environmentDomain(shop, 'localhost')).toBe(`pr-7-shop-${H}.localhost`);
  });

  it('differ across owners of a same-named repository (no takeover across owners)', () => {
    const evil = environmentIdentity('evil/shop', 7);
    expect(environmentLabel(evil)).not.toBe(environmentLabel(shop));
    expect(previewHostname(evil, 'web', 'localhost')).not.toBe(
      previewHostname(shop, 'web', 'localhost'),
    );
    // GitHub names are case-insensitive: the same repository keeps its host.
    expect(environmentLabel(environmentIdentity('ACME/Shop', 7))).toBe(environmentLabel(shop));
  });

  it('keeps environments of one repository apart by PR', () => {
    expect(environmentLabel(environmentIdentity('acme/shop', 70))).not.toBe(
      environmentLabel(environmentIdentity('acme/shop', 7)),
    );
  });

  it('shortens long labels with a hash, never colliding', () => {
    const a = serviceLabel('frontend-service-one-'.repeat(4));
    const b = serviceLabel('frontend-service-two-'.repeat(4));
    const env = environmentLabel(longRepo);
    for (const label of [a, b, env]) {
      expect(label.length).toBeLessThanOrEqual(63);
      expect(label).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    }
    expect(a).not.toBe(b);
    expect(env).toBe(environmentLabel(longRepo));
    expect(env).not.toBe(environmentLabel({ ...longRepo, pr: longRepo.pr + 1 }));
  });

  it('handles odd repository and service names', () => {
    expect(environmentLabel(environmentIdentity('acme/my.site', 2))).toMatch(
      /^pr-2-my-site-[a-f0-9]{6}-[a-f0-9]{10}$/,
    );
    expect(environmentLabel(environmentIdentity('acme/...', 2))).toMatch(
      /^pr-2-x-[a-f0-9]{6}-[a-f0-9]{10}$/,
    );
    expect(serviceLabel('API')).not.toBe(serviceLabel('api'));
  });

  it('rejects invalid base domains', () => {
    expect(() => previewHostname(shop, 'web', 'http://x')).toThrow(/base domain/);
  });
});

describe('previewUrl', () => {
  const H = shortHash('acme/shop', 10);

  it('builds https URLs by default and omits default ports', () => {
    expect(previewUrl(shop, 'web', { baseDomain: 'example.com' })).toBe(
      `https://web.pr-7-shop-${H}.example.com`,
    );
    expect(previewUrl(shop, 'web', { baseDomain: 'example.com', port: 443 })).toBe(
      `https://web.pr-7-shop-${H}.example.com`,
    );
    expect(previewUrl(shop, 'web', { baseDomain: 'localhost', scheme: 'http', port: 80 })).toBe(
      `http://web.pr-7-shop-${H}.localhost`,
    );
  });

  it('adds a non-default gateway port', () => {
    expect(previewUrl(shop, 'api', { baseDomain: 'localhost', scheme: 'http', port: 8080 })).toBe(
      `http://api.pr-7-shop-${H}.localhost:8080`,
    );
  });

  it.each([0, 70000, 1.5])('rejects port %s', (port) => {
    expect(() => previewUrl(shop, 'web', { baseDomain: 'localhost', port })).toThrow(/port/);
  });
});
