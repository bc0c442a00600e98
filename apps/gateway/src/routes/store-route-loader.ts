import type { RouteStore } from '@berth/db';
import type { RouteLoader } from './gateway-route.js';

/** Reads one route by its unique hostname from the state store. */
export function storeRouteLoader(routes: RouteStore): RouteLoader {
  return (hostname) => routes.target(hostname);
}
