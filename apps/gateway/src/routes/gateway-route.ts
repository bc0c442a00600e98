/** What the gateway needs from a `Route` row: where a hostname goes and who may open it. */
export interface GatewayRoute {
  hostname: string;
  environmentId: string;
  service: string;
  targetHost: string;
  targetPort: number;
  accessMode: 'private' | 'public';
}

/** Finds the route for a hostname; null when there is none. Throws when the store is down. */
export type RouteLoader = (hostname: string) => Promise<GatewayRoute | null>;
