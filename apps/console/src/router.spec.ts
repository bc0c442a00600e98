import { describe, expect, it } from 'vitest';
import { hrefOf, type Route, routeOf, sectionOf } from './router.js';

describe('console routes', () => {
  it('reads the list and the detail from the path under /console', () => {
    expect(routeOf('/console/')).toEqual({ page: 'environments' });
    expect(routeOf('/console/unknown')).toEqual({ page: 'environments' });
    expect(routeOf('/console/environments/abc-123')).toEqual({
      page: 'environment',
      id: 'abc-123',
    });
  });

  it('reads the operator pages and a repository’s own page', () => {
    expect(routeOf('/console/repositories')).toEqual({ page: 'repositories' });
    expect(routeOf('/console/costs/')).toEqual({ page: 'costs' });
    expect(routeOf('/console/deliveries')).toEqual({ page: 'deliveries' });
    expect(routeOf('/console/system')).toEqual({ page: 'system' });
    expect(routeOf('/console/repositories/acme/shop')).toEqual({
      page: 'repository',
      fullName: 'acme/shop',
    });
    // Not a page: the list, not an error.
    expect(routeOf('/console/repositories/acme')).toEqual({ page: 'environments' });
    expect(routeOf('/console/environment')).toEqual({ page: 'environments' });
  });

  it('writes paths that read back as the same route', () => {
    const routes: Route[] = [
      { page: 'environments' },
      { page: 'environment', id: 'a b/c' },
      { page: 'repositories' },
      { page: 'repository', fullName: 'acme/my.repo' },
      { page: 'costs' },
      { page: 'deliveries' },
      { page: 'system' },
    ];
    for (const route of routes) expect(routeOf(hrefOf(route))).toEqual(route);
  });

  it('puts a detail page under its list in the navigation', () => {
    expect(sectionOf({ page: 'environment', id: 'x' })).toBe('environments');
    expect(sectionOf({ page: 'repository', fullName: 'a/b' })).toBe('repositories');
    expect(sectionOf({ page: 'costs' })).toBe('costs');
  });
});
