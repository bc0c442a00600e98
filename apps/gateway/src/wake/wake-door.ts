// The gateway's side of sleep and wake (decision 0024). A request that passed access control to
// a sleeping route asks for a wake — a job on the environment's host's sleep queue; the gateway
// never opens Docker — and is held a moment (WAKE_HOLD_MS): when the wake is announced (the
// routes' invalidation over Redis) in time, the request goes through as if nothing had happened;
// otherwise the front door answers "waking up".

import type { GatewayRoute, RouteSleep } from '../routes/gateway-route.js';

export interface WakeDoorOptions {
  /** Puts a wake on the sleeping environment's host's queue (requestWake in @berth/queue). */
  request: (sleep: RouteSleep) => Promise<void>;
  /** The route table's lookup: a held request reads the route again after each announcement. */
  lookup: (hostname: string) => Promise<GatewayRoute | null>;
  /** How long a request is held at most; 0: answer "waking up" at once. */
  holdMs: number;
  /** Requests held at once at most; the rest are answered at once (memory stays bounded). */
  maxHeld?: number;
  /**
   * Asks for one sleep at most this often per gateway (WAKE_ASK_INTERVAL_MS): the queue collapses
   * asks of one sleep while its job waits or runs; a failed wake is asked again after this long.
   */
  askEveryMs?: number;
  /** Without an announcement, a held request looks again this often (one may be lost). */
  pollMs?: number;
  onError?: (error: unknown, sleep: RouteSleep) => void;
  now?: () => number;
}

export class WakeDoor {
  private readonly asked = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private held = 0;
  private readonly now: () => number;

  constructor(private readonly options: WakeDoorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Asks for a wake, at most once per `askEveryMs` per sleep; never throws, never waits. */
  ask(sleep: RouteSleep): void {
    const key = `${sleep.environmentId}-${sleep.sleptAt}`;
    const now = this.now();
    const last = this.asked.get(key);
    if (last !== undefined && now - last < (this.options.askEveryMs ?? 10_000)) return;
    this.asked.set(key, now);
    if (this.asked.size > 10_000) this.asked.clear();
    this.options.request(sleep).catch((error: unknown) => this.options.onError?.(error, sleep));
  }

  /**
   * Asks for a wake and holds the request until the route is awake (the fresh route, to proxy
   * to) or the hold is over (undefined: answer "waking up").
   */
  async hold(route: GatewayRoute, hostname: string): Promise<GatewayRoute | undefined> {
    if (route.asleep) this.ask(route.asleep);
    const { holdMs } = this.options;
    if (holdMs <= 0 || this.held >= (this.options.maxHeld ?? 1_000)) return undefined;
    this.held += 1;
    try {
      const deadline = this.now() + holdMs;
      for (;;) {
        const left = deadline - this.now();
        if (left <= 0) return undefined;
        await this.changed(hostname, Math.min(left, this.options.pollMs ?? 1_000));
        const fresh = await this.options.lookup(hostname).catch(() => null);
        if (!fresh) return undefined;
        if (!fresh.asleep) return fresh;
      }
    } finally {
      this.held -= 1;
    }
  }

  /** A route changed (ROUTES_CHANNEL: a hostname, or `*`): held requests look again. */
  notify(hostname: string): void {
    if (hostname === '*') {
      for (const host of [...this.waiters.keys()]) this.release(host);
      return;
    }
    this.release(hostname.toLowerCase());
  }

  private release(hostname: string): void {
    const waiting = this.waiters.get(hostname);
    if (!waiting) return;
    this.waiters.delete(hostname);
    for (const wake of waiting) wake();
  }

  /** Resolves on the next announcement for `hostname`, or after `ms`. */
  private changed(hostname: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(hostname);
      if (!waiting) {
        waiting = new Set();
        this.waiters.set(hostname, waiting);
      }
      const done = () => {
        clearTimeout(timer);
        const left = this.waiters.get(hostname);
        left?.delete(done);
        if (left?.size === 0) this.waiters.delete(hostname);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
    });
  }
}
