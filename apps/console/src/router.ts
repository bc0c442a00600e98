import { useEffect, useState } from 'react';

// A small router on the History API: a handful of pages, not enough to pay for a routing
// library. Paths live under the api's /console mount.

export const BASE = '/console';

export type Route =
  | { page: 'environments' }
  | { page: 'environment'; id: string }
  | { page: 'repositories' }
  | { page: 'repository'; fullName: string }
  | { page: 'costs' }
  | { page: 'deliveries' }
  | { page: 'system' };

/** The pages the navigation names, in its order. */
export const NAV_PAGES = [
  { page: 'environments', label: 'Environments' },
  { page: 'repositories', label: 'Repositories' },
  { page: 'costs', label: 'Costs' },
  { page: 'deliveries', label: 'Deliveries & audit' },
  { page: 'system', label: 'System' },
] as const;

export type NavPage = (typeof NAV_PAGES)[number]['page'];

const LISTS = new Set<string>(['repositories', 'costs', 'deliveries', 'system']);

export function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const detail = /^\/environments\/([^/]+)\/?$/.exec(rest);
  if (detail?.[1]) return { page: 'environment', id: decodeURIComponent(detail[1]) };
  const repo = /^\/repositories\/([^/]+)\/([^/]+)\/?$/.exec(rest);
  if (repo?.[1] && repo[2]) {
    return {
      page: 'repository',
      fullName: `${decodeURIComponent(repo[1])}/${decodeURIComponent(repo[2])}`,
    };
  }
  const list = /^\/([a-z]+)\/?$/.exec(rest)?.[1];
  if (list && LISTS.has(list)) return { page: list as 'repositories' };
  return { page: 'environments' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'environment':
      return `${BASE}/environments/${encodeURIComponent(route.id)}`;
    case 'repository': {
      const [owner = '', name = ''] = route.fullName.split('/');
      return `${BASE}/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    }
    case 'environments':
      return `${BASE}/`;
    default:
      return `${BASE}/${route.page}`;
  }
}

/** Which navigation entry a route belongs under (a detail under its list). */
export function sectionOf(route: Route): NavPage {
  if (route.page === 'environment') return 'environments';
  if (route.page === 'repository') return 'repositories';
  return route.page;
}

export function navigate(route: Route): void {
  window.history.pushState(null, '', hrefOf(route));
  window.dispatchEvent(new PopStateEvent('popstate'));
  // A new page starts at its top, as a page load would.
  window.scrollTo(0, 0);
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
