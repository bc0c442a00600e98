import { timingSafeEqual } from 'node:crypto';
import type { ApiConfig } from '@berth/config';
import { hashApiToken, looksLikeApiToken } from '@berth/core';
import { ApiTokenStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { bearerTokenMatches } from '../../environments/bearer-token.js';
import { API_CONFIG, STORES } from '../../tokens.js';
import { ProblemException } from '../problem/problem.js';
import { BOOTSTRAP_ADMIN, BOOTSTRAP_API, type Principal } from './principal.js';
import { RequestLimiter } from './request-limiter.js';
import { TokenUsage } from './token-usage.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Who a bearer token is (decision 0029): BERTH_ADMIN_TOKEN is the bootstrap admin (create the
 * first tokens with it), API_TOKEN a bootstrap `read` token (what it always allowed), and any
 * other `berth_…` token is looked up by its SHA-256. Expired and revoked tokens are refused.
 */
@Injectable()
export class ApiAccess {
  readonly tokens: ApiTokenStore;
  readonly usage: TokenUsage;
  readonly limiter: RequestLimiter;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORES) stores: Stores,
  ) {
    this.tokens = new ApiTokenStore(stores.prisma);
    this.usage = new TokenUsage(this.tokens);
    this.limiter = new RequestLimiter(
      stores.redis,
      config.QUEUE_PREFIX,
      config.API_RATE_LIMIT_PER_MINUTE,
    );
  }

  async authenticate(authorization: string | undefined, now = new Date()): Promise<Principal> {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) {
      throw unauthenticated(
        'send `Authorization: Bearer <token>` (create one with `berth token create`)',
      );
    }
    const admin = this.config.BERTH_ADMIN_TOKEN;
    if (admin !== undefined && bearerTokenMatches(authorization, admin)) {
      return { ...BOOTSTRAP_ADMIN };
    }
    if (bearerTokenMatches(authorization, this.config.API_TOKEN)) {
      return { ...BOOTSTRAP_API };
    }
    const row = looksLikeApiToken(token) ? await this.tokens.byHash(hashApiToken(token)) : null;
    if (!row)
      throw unauthenticated('unknown token: check it, or create one with `berth token create`');
    if (row.revokedAt) {
      throw unauthenticated(`token ${row.prefix}… (${row.name}) was revoked: create a new one`);
    }
    if (row.expiresAt && row.expiresAt <= now) {
      throw unauthenticated(
        `token ${row.prefix}… (${row.name}) expired at ${row.expiresAt.toISOString()}: create a new one`,
      );
    }
    this.usage.used(row.id, now.getTime());
    return {
      id: row.id,
      name: row.name,
      scope: row.scope as Principal['scope'],
      restriction: row.repository,
    };
  }

  /**
   * The same principal as `authenticate`, from the token's SHA-256 (hex) alone: a console
   * session (decision 0033) keeps only that, so each request re-checks revocation and expiry,
   * and rotating BERTH_ADMIN_TOKEN or API_TOKEN ends the sessions signed in with the old one.
   */
  async authenticateDigest(digest: string, now = new Date()): Promise<Principal> {
    const admin = this.config.BERTH_ADMIN_TOKEN;
    if (admin !== undefined && digestsMatch(digest, hashApiToken(admin))) {
      return { ...BOOTSTRAP_ADMIN };
    }
    if (digestsMatch(digest, hashApiToken(this.config.API_TOKEN))) {
      return { ...BOOTSTRAP_API };
    }
    const row = /^[0-9a-f]{64}$/.test(digest) ? await this.tokens.byHash(digest) : null;
    if (!row) throw unauthenticated("the console session's token no longer exists: sign in again");
    if (row.revokedAt) {
      throw unauthenticated(`token ${row.prefix}… (${row.name}) was revoked: sign in again`);
    }
    if (row.expiresAt && row.expiresAt <= now) {
      throw unauthenticated(`token ${row.prefix}… (${row.name}) expired: sign in again`);
    }
    this.usage.used(row.id, now.getTime());
    return {
      id: row.id,
      name: row.name,
      scope: row.scope as Principal['scope'],
      restriction: row.repository,
    };
  }
}

/** Constant-time comparison of two SHA-256 hex digests. */
function digestsMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function unauthenticated(detail: string): ProblemException {
  return new ProblemException('unauthenticated', 401, detail, {
    headers: { 'WWW-Authenticate': 'Bearer realm="berth"' },
  });
}
