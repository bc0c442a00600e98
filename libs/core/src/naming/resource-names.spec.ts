import { describe, expect, it } from 'vitest';
import { environmentIdentity } from './identity.js';
import {
  containerName,
  databaseName,
  databaseRoleName,
  imageTag,
  jobId,
  networkName,
  previewHostname,
  previewLabel,
  previewUrl,
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
    expect(previewLabel(shop, 'API')).not.toBe(previewLabel(shop, 'api'));
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
  it('are one label under the base domain', () => {
    expect(previewHostname(shop, 'web', 'localhost')).toBe('web-pr-7-shop.localhost');
    expect(previewHostname(shop, 'api', 'Preview.Example.com.')).toBe(
      'api-pr-7-shop.preview.example.com',
    );
  });

  it('can include the owner for multi-owner installs', () => {
    expect(previewLabel(shop, 'web', { includeOwner: true })).toBe('web-pr-7-acme--shop');
    expect(
      previewLabel(environmentIdentity('other/shop', 7), 'web', { includeOwner: true }),
    ).not.toBe(previewLabel(shop, 'web', { includeOwner: true }));
  });

  it('shortens long labels with a hash, never colliding', () => {
    const a = previewLabel(longRepo, 'frontend-service-one');
    const b = previewLabel(longRepo, 'frontend-service-two');
    expect(a.length).toBeLessThanOrEqual(63);
    expect(b.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    expect(a).toBe(previewLabel(longRepo, 'frontend-service-one'));
  });

  it('handles odd repository names', () => {
    const dotted = previewLabel(environmentIdentity('acme/my.site', 2), 'web');
    expect(dotted).toMatch(/^web-pr-2-my-site-[a-f0-9]{6}$/);
    expect(previewLabel(environmentIdentity('acme/...', 2), 'web')).toMatch(
      /^web-pr-2-x-[a-f0-9]{6}$/,
    );
  });

  it('rejects invalid base domains', () => {
    expect(() => previewHostname(shop, 'web', 'http://x')).toThrow(/base domain/);
  });
});

describe('previewUrl', () => {
  it('builds https URLs by default and omits default ports', () => {
    expect(previewUrl(shop, 'web', { baseDomain: 'example.com' })).toBe(
      'https://web-pr-7-shop.example.com',
    );
    expect(previewUrl(shop, 'web', { baseDomain: 'example.com', port: 443 })).toBe(
      'https://web-pr-7-shop.example.com',
    );
    expect(previewUrl(shop, 'web', { baseDomain: 'localhost', scheme: 'http', port: 80 })).toBe(
      'http://web-pr-7-shop.localhost',
    );
  });

  it('adds a non-default gateway port', () => {
    expect(previewUrl(shop, 'api', { baseDomain: 'localhost', scheme: 'http', port: 8080 })).toBe(
      'http://api-pr-7-shop.localhost:8080',
    );
  });

  it.each([0, 70000, 1.5])('rejects port %s', (port) => {
    expect(() => previewUrl(shop, 'web', { baseDomain: 'localhost', port })).toThrow(/port/);
  });
});
