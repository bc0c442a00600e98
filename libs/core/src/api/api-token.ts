import { createHash, randomBytes } from 'node:crypto';
import { isGitHubLogin, isRepositoryFullName } from '../policy/repository-settings.js';

// REST API tokens (decision 0029): what a token may do (its scope) and where (its repository
// restriction). Pure: the api's guard reads the row and asks these.

export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Every token starts with it: secret scanners and people recognise a leaked one. */
export const API_TOKEN_PREFIX = 'berth_';

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (API_SCOPES as readonly string[]).includes(value);
}

/** `read` < `write` < `admin`: whether `held` covers what a route `needs`. */
export function scopeCovers(held: ApiScope, needs: ApiScope): boolean {
  return API_SCOPES.indexOf(held) >= API_SCOPES.indexOf(needs);
}

/** 256 random bits after the prefix: full entropy, so a plain SHA-256 is enough to store. */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and looked up: the hex SHA-256 of the whole token. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What lists show of a token: the prefix and four characters, never enough to use it. */
export function apiTokenDisplayPrefix(token: string): string {
  return token.slice(0, API_TOKEN_PREFIX.length + 4);
}

/** Whether a bearer value has the shape of a Berth API token (else it is not looked up). */
export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && /^[\w-]{40,100}$/.test(value);
}

/**
 * A token's repository restriction: `owner/name` (one repository) or `owner/*` (every
 * repository of an owner). Null when the pattern is not one of those.
 */
export function parseRepositoryRestriction(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.endsWith('/*')) {
    const owner = trimmed.slice(0, -2);
    return isGitHubLogin(owner) ? `${owner.toLowerCase()}/*` : null;
  }
  return isRepositoryFullName(trimmed) ? trimmed.toLowerCase() : null;
}

/** Whether a token restricted to `restriction` (null: none) may see `repository` (owner/name). */
export function restrictionAllows(restriction: string | null, repository: string): boolean {
  if (restriction === null) return true;
  const name = repository.toLowerCase();
  if (restriction.endsWith('/*')) return name.startsWith(restriction.slice(0, -1));
  return name === restriction;
}
