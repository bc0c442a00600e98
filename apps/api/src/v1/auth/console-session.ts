import { createHash, randomBytes } from 'node:crypto';
import type { ApiConfig } from '@berth/config';
import { type ConsolePerson, consoleRoleOf, hashApiToken } from '@berth/core';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_CONFIG, STORES } from '../../tokens.js';
import { ProblemException } from '../problem/problem.js';
import { ApiAccess, unauthenticated } from './api-access.js';
import type { Principal, V1Request } from './principal.js';

// The admin console's sign-in (decision 0033): an API token is exchanged once for an opaque
// session id in an HttpOnly cookie, so the token never sits in the browser's storage. A person
// who signed in with GitHub or OIDC (decision 0035) gets the same cookie; their session keeps
// what the provider said of them, and the operator's role rules are applied on every request.

export const SESSION_COOKIE = 'berth_console';
/** Cookie-authenticated writes must carry this header: a cross-site form cannot set it. */
export const CSRF_HEADER = 'x-berth-console';
export const SESSION_TTL_S = 12 * 60 * 60;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who signed in with a provider: what their session keeps (no provider token). */
export interface SignedInPerson {
  provider: 'github' | 'oidc';
  /** GitHub's user id, or the OIDC subject: stable across renames. */
  subject: string;
  /** What people read: the GitHub login, or the OIDC email (else the subject). */
  login: string;
  /** What the role rules read (memberships or claims), as the provider said at sign-in. */
  facts: ConsolePerson;
}

/** What Redis keeps for a session: the token's SHA-256 (never the token), or the person. */
type SessionRecord =
  { digest: string; createdAt: string } | { person: SignedInPerson; createdAt: string };

@Injectable()
export class ConsoleSessions {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORES) stores: Stores,
    @Inject(ApiAccess) private readonly access: ApiAccess,
  ) {
    this.redis = stores.redis;
    this.prefix = `${config.QUEUE_PREFIX}:console-session:`;
  }

  /** Checks the token like any bearer, then stores a new session for it; answers its id. */
  async open(token: string): Promise<{ id: string; principal: Principal }> {
    const principal = await this.access.authenticate(`Bearer ${token}`);
    const record: SessionRecord = {
      digest: hashApiToken(token),
      createdAt: new Date().toISOString(),
    };
    return { id: await this.store(record), principal };
  }

  /**
   * A session for a person the provider vouched for, when a role rule matches them; undefined
   * (and nothing stored) when none does.
   */
  async openPerson(
    person: SignedInPerson,
  ): Promise<{ id: string; principal: Principal } | undefined> {
    const principal = this.personPrincipal(person);
    if (!principal) return undefined;
    const id = await this.store({ person, createdAt: new Date().toISOString() });
    return { id, principal };
  }

  /** The principal of a session id; 401 when it is unknown or ended. */
  async principal(id: string): Promise<Principal> {
    const raw = await this.redis.get(this.key(id));
    if (!raw) throw unauthenticated('the console session ended: sign in again');
    const record = JSON.parse(raw) as SessionRecord;
    if ('digest' in record) return this.access.authenticateDigest(record.digest);
    // The rules as they are now: an operator who removes a rule takes the role away at once.
    const principal = this.personPrincipal(record.person);
    if (!principal) {
      throw unauthenticated(
        `${record.person.login} no longer matches any console role rule (CONSOLE_ROLE_RULES): ask an operator`,
      );
    }
    return principal;
  }

  /** The person's principal under the operator's current rules; undefined when none matches. */
  personPrincipal(person: SignedInPerson): Principal | undefined {
    const grant = consoleRoleOf(this.config.CONSOLE_ROLE_RULES, person.facts);
    if (!grant) return undefined;
    return {
      id: `${person.provider}:${person.subject}`,
      name: person.login,
      scope: grant.role,
      restriction: grant.repository,
      via: person.provider,
    };
  }

  private async store(record: SessionRecord): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), JSON.stringify(record), 'EX', SESSION_TTL_S);
    return id;
  }

  async close(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  /** Keyed by the id's hash: a Redis dump holds no live cookie. */
  private key(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('hex');
  }
}

/** The session id in the request's Cookie header, if any. */
export function sessionIdOf(request: Pick<V1Request, 'headers'>): string | undefined {
  return cookieValue(request, SESSION_COOKIE);
}

/** A cookie's value in the request's Cookie header, if any (the first when repeated). */
export function cookieValue(
  request: Pick<V1Request, 'headers'>,
  cookie: string,
): string | undefined {
  const header = request.headers['cookie'];
  const cookies = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookie && value.length > 0) return value.join('=');
  }
  return undefined;
}

/**
 * Who a /api/v1 request acts as: the bearer token when there is an Authorization header, else
 * the console session's cookie. A cookie-authenticated write needs the CSRF header.
 */
export async function requestPrincipal(
  access: ApiAccess,
  sessions: ConsoleSessions,
  request: V1Request,
): Promise<Principal> {
  const header = request.headers['authorization'];
  const authorization = Array.isArray(header) ? header[0] : header;
  const session = authorization === undefined ? sessionIdOf(request) : undefined;
  if (session === undefined) return access.authenticate(authorization);
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && request.headers[CSRF_HEADER] !== '1') {
    throw new ProblemException(
      'forbidden',
      403,
      `a write signed in by the console's cookie must send \`${CSRF_HEADER}: 1\``,
    );
  }
  return sessions.principal(session);
}

/** `Set-Cookie` for a session (or its removal, with `id` null). */
export function sessionCookie(id: string | null, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${id === null ? 0 : SESSION_TTL_S}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
