import type { RouteStore } from '@berth/db';
import type { RouteLoader } from './gateway-route.js';

/** Reads one route by its unique hostname, with its repository's access settings. */
export function storeRouteLoader(routes: RouteStore): RouteLoader {
  return (hostname) => routes.targetWithAccess(hostname);
}
