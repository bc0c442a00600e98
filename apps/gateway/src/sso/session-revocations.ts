/** What the revocation list reads: sessions revoked since a time that have not expired. */
export type RevokedSince = (
  since: Date,
  now: Date,
) => Promise<Array<{ id: string; revokedAt: Date; expiresAt: Date }>>;

export interface SessionRevocationsOptions {
  load: RevokedSince;
  now?: () => Date;
  onError?: (error: unknown) => void;
}

/**
 * The gateway's in-memory list of revoked SSO sessions: every request is checked against it,
 * never against Postgres. Refreshed on NOTIFY (the api revokes and notifies in one
 * transaction), after each reconnect, and on a slow poll in case a notification is lost.
 * Until the first load succeeds every session counts as revoked: fail closed.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, number>();
  private loaded = false;
  /** The newest revokedAt seen (database time), minus a margin for commits in flight. */
  private watermark = new Date(0);
  private running: Promise<void> | undefined;
  private again = false;
  private readonly now: () => Date;

  constructor(private readonly options: SessionRevocationsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  isRevoked(sessionId: string): boolean {
    if (!this.loaded) return true;
    const expiresAt = this.revoked.get(sessionId);
    return expiresAt !== undefined;
  }

  get ready(): boolean {
    return this.loaded;
  }

  /** Re-reads revocations since the watermark; concurrent calls coalesce into one more read. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readOnce().catch((error: unknown) => this.options.onError?.(error));
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async readOnce(): Promise<void> {
    const now = this.now();
    const rows = await this.options.load(this.watermark, now);
    for (const row of rows) {
      this.revoked.set(row.id, row.expiresAt.getTime());
      // A transaction that revoked earlier may commit later: look back a little each time.
      const mark = new Date(row.revokedAt.getTime() - 5_000);
      if (mark > this.watermark) this.watermark = mark;
    }
    for (const [id, expiresAt] of this.revoked) {
      if (expiresAt <= now.getTime()) this.revoked.delete(id); // its cookie is dead anyway
    }
    this.loaded = true;
  }
}
