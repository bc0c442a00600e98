import { describe, expect, it } from 'vitest';
import type { EnvironmentRow, RevisionWithRuns, StageRun } from '@berth/db';
import { environmentDetail, pullRequestUrlOf, servicesOf, urlsOf } from './environment-view.js';

describe('environment view', () => {
  it('lists services with tag and source only', () => {
    expect(
      servicesOf({
        web: { tag: 'berth/shop-web:abc', source: 'cached', durationMs: 0, inputHash: 'abc' },
        api: { tag: 'berth/shop-api:def', source: 'built', durationMs: 900 },
        junk: 'x',
      }),
    ).toEqual([
      { name: 'api', image: 'berth/shop-api:def', source: 'built' },
      { name: 'web', image: 'berth/shop-web:abc', source: 'cached' },
    ]);
    expect(servicesOf(null)).toEqual([]);
    expect(servicesOf({})).toEqual([]);
  });

  it('takes only wiring.urls, never the per-service environment', () => {
    const wiring = {
      urls: { web: 'http://web-pr-1-shop.localhost:8080', bad: 3 },
      environment: { api: { DATABASE_URL: 'postgres://u:secret@db/x' } },
      hostnames: { web: 'web-pr-1-shop.localhost' },
    };
    const urls = urlsOf(wiring);
    expect(urls).toEqual({ web: 'http://web-pr-1-shop.localhost:8080' });
    expect(JSON.stringify(urls)).not.toContain('secret');
    expect(urlsOf({})).toEqual({});
    expect(urlsOf(undefined)).toEqual({});
  });

  it("masks the environment's secret values in stage errors, in any encoding", () => {
    const password = 'Gen3rated-db-pa55word-XYZ';
    const basic = Buffer.from(`shop:${password}`).toString('base64');
    const run = {
      stage: 'replicate',
      status: 'failed',
      attempt: 1,
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      errorMessage: `service api did not become healthy: auth ${basic} pw=${encodeURIComponent(password)}`,
    } as StageRun;
    const date = new Date(0);
    const env = {
      repository: { fullName: 'acme/shop' },
      createdAt: date,
      updatedAt: date,
    } as unknown as EnvironmentRow;
    const revision = {
      stageRuns: [run, { ...run, errorMessage: null }],
      images: {},
      wiring: { environment: { api: { DATABASE_URL: `postgres://shop:${password}@db/shop` } } },
    } as unknown as RevisionWithRuns;
    const detail = environmentDetail(env, revision);
    expect(detail.stages.map((s) => s.error)).toEqual([
      'service api did not become healthy: auth c2hvcD*** pw=***',
      null,
    ]);
    expect(JSON.stringify(detail)).not.toContain(password);
  });

  it("links the pull request's page from the clone URL, without credentials, and not for the base", () => {
    expect(pullRequestUrlOf('https://github.com/acme/shop.git', 12)).toBe(
      'https://github.com/acme/shop/pull/12',
    );
    expect(
      pullRequestUrlOf('https://x-access-token:ghs_secret@ghe.example.com/acme/shop.git', 3),
    ).toBe('https://ghe.example.com/acme/shop/pull/3');
    expect(pullRequestUrlOf('https://github.com/acme/shop.git', 0)).toBeNull();
    expect(pullRequestUrlOf('git@github.com:acme/shop.git', 1)).toBeNull();
    expect(pullRequestUrlOf(undefined, 1)).toBeNull();
  });
});
