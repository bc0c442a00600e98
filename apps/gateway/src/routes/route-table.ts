import type { GatewayRoute, RouteLoader } from './gateway-route.js';

export interface RouteTableOptions {
  load: RouteLoader;
  /** How long "no route" is remembered: bounds Postgres reads for unknown or probing hosts. */
  negativeTtlMs?: number;
  /**
   * How long a found route is trusted without an invalidation. Invalidations normally arrive
   * at once over Redis; this only bounds staleness if one is ever missed. Past it the route is
   * still answered, for one more TTL at most, while a single background query refreshes it:
   * no request waits on Postgres because a timer ran out (an invalidation still drops it at once).
   */
  positiveTtlMs?: number;
  /**
   * How long a sleeping route is trusted (decision 0024): its wake is announced over Redis, and
   * a missed announcement must not leave a woken preview answering "waking up" for a minute.
   */
  asleepTtlMs?: number;
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
 * The request path reads it synchronously (`cached`) and awaits `lookup` only on a miss.
 */
export class RouteTable {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<GatewayRoute | null>>();
  private readonly load: RouteLoader;
  private readonly negativeTtlMs: number;
  private readonly positiveTtlMs: number;
  private readonly asleepTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RouteTableOptions) {
    this.load = options.load;
    this.negativeTtlMs = options.negativeTtlMs ?? 2_000;
    this.positiveTtlMs = options.positiveTtlMs ?? 60_000;
    this.asleepTtlMs = options.asleepTtlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async lookup(hostname: string): Promise<GatewayRoute | null> {
    const hit = this.cached(hostname);
    return hit === undefined ? this.query(hostname) : hit;
  }

  /**
   * What memory alone can answer: a route, null for a remembered "no route", undefined when
   * only Postgres can tell. A found route past its TTL is answered while one refresh runs.
   */
  cached(hostname: string): GatewayRoute | null | undefined {
    const entry = this.entries.get(hostname);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt > now) return entry.route;
    if (entry.route === null || now >= entry.expiresAt + this.positiveTtlMs) return undefined;
    if (!this.inflight.has(hostname)) {
      // A failed refresh leaves the entry expired: the next request starts another one.
      this.query(hostname).catch(() => undefined);
    }
    return entry.route;
  }

  private query(hostname: string): Promise<GatewayRoute | null> {
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
    const ttl = !route
      ? this.negativeTtlMs
      : route.asleep
        ? Math.min(this.asleepTtlMs, this.positiveTtlMs)
        : this.positiveTtlMs;
    this.entries.set(hostname, { route, expiresAt: this.now() + ttl });
  }
}
