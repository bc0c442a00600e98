import type { PreviewAccessMode } from '@berth/core';

/** The repository's ways into a private route besides a Berth cookie (decision 0013). */
export interface RouteAccess {
  /** owner/name, lowercased. */
  repository: string;
  modes: PreviewAccessMode[];
  /** Canonical CIDRs the `ip` mode admits. */
  ipAllowlist: string[];
  /** SHA-256 hex of the `token` mode's bypass secret. */
  bypassTokenHash: string | null;
}

/**
 * The route's containers are asleep (decision 0024): the environment to wake (its own, or the
 * base environment a borrowed route points at), where it lives, and since when.
 */
export interface RouteSleep {
  environmentId: string;
  dockerHost: string;
  /** ms since the epoch. */
  sleptAt: number;
}

/** What the gateway needs from a `Route` row: where a hostname goes and who may open it. */
export interface GatewayRoute {
  hostname: string;
  environmentId: string;
  service: string;
  targetHost: string;
  targetPort: number;
  accessMode: 'private' | 'public';
  /** A frontend-only preview's route to the base environment: the PR's origins → the base's. */
  originMap?: Record<string, string> | null;
  /** Loaded with the route from the repository's settings; absent = cookies only. */
  access?: RouteAccess;
  /** Set while its containers sleep: answered "waking up", after access control, never proxied. */
  asleep?: RouteSleep | null;
}

/** Finds the route for a hostname; null when there is none. Throws when the store is down. */
export type RouteLoader = (hostname: string) => Promise<GatewayRoute | null>;
