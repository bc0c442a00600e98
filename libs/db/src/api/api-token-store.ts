import type { ApiToken, PrismaClient } from '../generated.js';

export interface NewApiToken {
  name: string;
  tokenHash: string;
  prefix: string;
  scope: string;
  repository: string | null;
  createdBy: string;
  expiresAt: Date | null;
}

/**
 * REST API tokens (decision 0029). Only hashes are stored; `byHash` is the guard's one read per
 * request (a unique index), `touch` its throttled, off-path write of the last use.
 */
export class ApiTokenStore {
  constructor(private readonly prisma: PrismaClient) {}

  create(token: NewApiToken): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data: token });
  }

  byHash(tokenHash: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
  }

  find(id: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { id } });
  }

  /** Newest first by (created_at, id), revoked ones too (they show as such). */
  page(limit: number, after?: { createdAt: Date; id: string }): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({
      where: after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  /** Idempotent: a revoked token keeps its first revocation time. Null when there is none. */
  async revoke(id: string, at: Date): Promise<ApiToken | null> {
    await this.prisma.apiToken.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at },
    });
    return this.find(id);
  }

  /** The last use, only moved forward (two replicas may write out of order). */
  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: at } }] },
      data: { lastUsedAt: at },
    });
  }
}
