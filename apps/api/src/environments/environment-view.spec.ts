import { describe, expect, it } from 'vitest';
import { servicesOf, urlsOf } from './environment-view.js';

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
});
