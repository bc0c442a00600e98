import { useEffect, useState } from 'react';

// A two-route router on the History API: the console has a list and a detail page, not
// enough to pay for a routing library. Paths live under the api's /console mount.

export const BASE = '/console';

export type Route = { page: 'environments' } | { page: 'environment'; id: string };

export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const detail = /^\/environments\/([^/]+)\/?$/.exec(rest);
  return detail?.[1]
    ? { page: 'environment', id: decodeURIComponent(detail[1]) }
    : { page: 'environments' };
}

export function hrefOf(route: Route): string {
  return route.page === 'environment'
    ? `${BASE}/environments/${encodeURIComponent(route.id)}`
    : `${BASE}/`;
}

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route));
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}
