import { SHARE_LINKS_CHANNEL } from '@berth/queue';
import type { Redis } from 'ioredis';

export interface ShareLinkRevocationsOptions {
  /** Ids of revoked links that have not expired yet (ShareLinkStore.revokedUnexpired). */
  load: () => Promise<string[]>;
  /** Re-read every so often, should a pub/sub message ever be missed; default 60 s. */
  refreshMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The share links this gateway refuses although their signature and expiry are fine: kept in
 * memory, so the front door never reads Postgres per request. Filled at start, on every Redis
 * (re)connect and every `refreshMs`; a revocation published on SHARE_LINKS_CHANNEL applies at
 * once. Until the first load succeeds every link counts as revoked (fail closed).
 */
export class ShareLinkRevocations {
  private revoked = new Set<string>();
  /** Revocations heard while a load was running: that load's snapshot may predate them. */
  private heardDuringLoad: string[] = [];
  private loading = 0;
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ShareLinkRevocationsOptions) {}

  isRevoked(linkId: string): boolean {
    return !this.loaded || this.revoked.has(linkId);
  }

  revoke(linkId: string): void {
    this.revoked.add(linkId);
    if (this.loading > 0) this.heardDuringLoad.push(linkId);
  }

  async refresh(): Promise<void> {
    this.loading += 1;
    try {
      const ids = await this.options.load();
      const next = new Set(ids);
      for (const id of this.heardDuringLoad) next.add(id);
      this.revoked = next;
      this.loaded = true;
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.loading -= 1;
      if (this.loading === 0) this.heardDuringLoad = [];
    }
  }

  /** First load, then the periodic one. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * Listens on SHARE_LINKS_CHANNEL (message = a revoked link id) on a subscriber connection (it may
 * be the one routes use), and re-reads the whole list after every reconnect: messages published
 * while disconnected are lost, not queued.
 */
export async function subscribeToShareLinkRevocations(
  subscriber: Redis,
  revocations: ShareLinkRevocations,
): Promise<void> {
  subscriber.on('ready', () => void revocations.refresh());
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === SHARE_LINKS_CHANNEL && message.trim() !== '')
      revocations.revoke(message.trim());
  });
  await subscriber.subscribe(SHARE_LINKS_CHANNEL);
}
