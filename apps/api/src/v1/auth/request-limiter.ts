import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type LimitVerdict = { ok: true; remaining: number } | { ok: false; retryAfterS: number };

/**
 * Requests per minute per token (API_RATE_LIMIT_PER_MINUTE), counted in Redis so every api
 * replica spends one budget (rate-limiter-flexible: one atomic INCR + PEXPIRE per request).
 * If Redis fails the request goes through (logged by the caller): a limit is not worth an
 * outage of the API.
 */
export class RequestLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    readonly perMinute: number,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:api-rate`,
      points: perMinute,
      duration: 60,
    });
  }

  async consume(key: string): Promise<LimitVerdict> {
    try {
      const res = await this.limiter.consume(key, 1);
      return { ok: true, remaining: res.remainingPoints };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { ok: false, retryAfterS: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      throw rejection;
    }
  }
}
