import type { ApiScope } from '@berth/core';

/** Who a /api/v1 request acts as, set on the request by ApiAuthGuard. */
export interface Principal {
  /**
   * The token's id, `bootstrap:admin` (BERTH_ADMIN_TOKEN) / `bootstrap:api` (API_TOKEN), or
   * `github:<user id>` / `oidc:<subject>` for a person signed in to the console.
   */
  id: string;
  /** The token's name, or the person's GitHub login or email: the audit log's actor. */
  name: string;
  scope: ApiScope;
  /** `owner/name`, `owner/*`, or null for every repository. */
  restriction: string | null;
  /** Set for a person signed in to the console with a provider (decision 0035); else a token. */
  via?: 'github' | 'oidc';
}

/** BERTH_ADMIN_TOKEN's principal: every scope, every repository (also /admin/v1's one actor). */
export const BOOTSTRAP_ADMIN: Readonly<Principal> = Object.freeze({
  id: 'bootstrap:admin',
  name: 'BERTH_ADMIN_TOKEN',
  scope: 'admin',
  restriction: null,
});

/** API_TOKEN's principal: read-only, every repository. */
export const BOOTSTRAP_API: Readonly<Principal> = Object.freeze({
  id: 'bootstrap:api',
  name: 'API_TOKEN',
  scope: 'read',
  restriction: null,
});

export interface V1Request {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  originalUrl?: string;
  url: string;
  params?: Record<string, string>;
  body?: unknown;
  route?: { path?: string };
  principal?: Principal;
  /** What an audited action acted on, when the route's `:id` does not say (e.g. a new token). */
  auditTarget?: string;
}

export function principalOf(request: V1Request): Principal {
  if (!request.principal) throw new Error('ApiAuthGuard did not run on this route');
  return request.principal;
}
