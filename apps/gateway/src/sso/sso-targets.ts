import type { SsoTarget } from '@berth/db';

/**
 * Environment → SSO target (repository, installation, policy), cached briefly: read when a
 * browser without credentials is sent to sign in and during sign-in, never per proxied request.
 * A policy change takes effect within `ttlMs`.
 */
export class SsoTargets {
  private readonly entries = new Map<string, { target: SsoTarget | null; until: number }>();
  private readonly inflight = new Map<string, Promise<SsoTarget | null>>();

  constructor(
    private readonly load: (environmentId: string) => Promise<SsoTarget | null>,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(environmentId: string): Promise<SsoTarget | null> {
    const cached = this.entries.get(environmentId);
    if (cached && cached.until > this.now()) return cached.target;
    const pending = this.inflight.get(environmentId);
    if (pending) return pending;
    const query = this.load(environmentId).finally(() => this.inflight.delete(environmentId));
    this.inflight.set(environmentId, query);
    const target = await query;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(environmentId, { target, until: this.now() + this.ttlMs });
    return target;
  }
}
