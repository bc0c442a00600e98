import type { ApiTokenStore } from '@berth/db';
import { Logger } from '@nestjs/common';

/** Last-used times are written at most this often per token and replica. */
const TOUCH_EVERY_MS = 60_000;

/**
 * A token's last use, written after the request's answer and at most once a minute per token
 * (per replica): the request never waits on it, and a busy token is one UPDATE a minute.
 */
export class TokenUsage {
  private readonly logger = new Logger('api-v1');
  private readonly written = new Map<string, number>();

  constructor(private readonly tokens: ApiTokenStore) {}

  used(tokenId: string, now = Date.now()): void {
    const last = this.written.get(tokenId);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.written.set(tokenId, now);
    setImmediate(() => {
      this.tokens.touch(tokenId, new Date(now)).catch((error: unknown) => {
        this.written.delete(tokenId);
        this.logger.warn({ err: error, tokenId }, 'could not record a token use');
      });
    });
  }
}
