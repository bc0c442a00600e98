import type { GatewayRoute, RouteLoader } from './gateway-route.js';

export interface RouteTableOptions {
  load: RouteLoader;
  /** How long "no route" is remembered: bounds Postgres reads for unknown or probing hosts. */
  negativeTtlMs?: number;
  /**
   * How long a found route is trusted without an invalidation. Invalidations normally arrive
   * at once over Redis; this only bounds staleness if one is ever missed.
   */
  positiveTtlMs?: number;
  /** Cap on remembered hostnames: Host headers are attacker-controlled. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  route: GatewayRoute | null;
  expiresAt: number;
}

/**
 * Hostname → route cache in front of Postgres. Concurrent lookups of one host share one query;
 * an invalidation during a query discards that query's result so a stale answer is never cached.
 */
export class RouteTable {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<GatewayRoute | null>>();
  private readonly load: RouteLoader;
  private readonly negativeTtlMs: number;
  private readonly positiveTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RouteTableOptions) {
    this.load = options.load;
    this.negativeTtlMs = options.negativeTtlMs ?? 2_000;
    this.positiveTtlMs = options.positiveTtlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async lookup(hostname: string): Promise<GatewayRoute | null> {
    const cached = this.entries.get(hostname);
    if (cached && cached.expiresAt > this.now()) return cached.route;
    const pending = this.inflight.get(hostname);
    if (pending) return pending;
    const query = this.load(hostname).then(
      (route) => {
        // Only the query that is still current may fill the cache (see invalidate()).
        if (this.inflight.get(hostname) === query) {
          this.inflight.delete(hostname);
          this.remember(hostname, route);
        }
        return route;
      },
      (error: unknown) => {
        if (this.inflight.get(hostname) === query) this.inflight.delete(hostname);
        throw error;
      },
    );
    this.inflight.set(hostname, query);
    return query;
  }

  /** Forget one hostname, or everything for `*`. */
  invalidate(hostname: string): void {
    if (hostname === '*') {
      this.entries.clear();
      this.inflight.clear();
      return;
    }
    const key = hostname.toLowerCase();
    this.entries.delete(key);
    this.inflight.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(hostname: string, route: GatewayRoute | null): void {
    this.entries.delete(hostname);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const ttl = route ? this.positiveTtlMs : this.negativeTtlMs;
    this.entries.set(hostname, { route, expiresAt: this.now() + ttl });
  }
}
