import type { ApiToken } from '@berth/db';
import type { ApiTokenView } from '../openapi/schemas.js';

/** A token as listed: never its hash (and the token itself exists only in its creator's hands). */
export function tokenView(row: ApiToken, now = new Date()): ApiTokenView {
  const status = row.revokedAt
    ? 'revoked'
    : row.expiresAt && row.expiresAt <= now
      ? 'expired'
      : 'active';
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope as ApiTokenView['scope'],
    repository: row.repository,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    status,
  };
}
