import { describe, expect, it } from 'vitest';
import { hrefOf, routeOf } from './router.js';

describe('console routes', () => {
  it('reads the list and the detail from the path under /console', () => {
    expect(routeOf('/console/')).toEqual({ page: 'environments' });
    expect(routeOf('/console/unknown')).toEqual({ page: 'environments' });
    expect(routeOf('/console/environments/abc-123')).toEqual({
      page: 'environment',
      id: 'abc-123',
    });
  });

  it('writes paths that read back as the same route', () => {
    for (const route of [
      { page: 'environments' as const },
      { page: 'environment' as const, id: 'a b/c' },
    ]) {
      expect(routeOf(hrefOf(route))).toEqual(route);
    }
  });
});
