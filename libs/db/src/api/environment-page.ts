import type { EnvironmentState, Prisma, PrismaClient } from '../generated.js';
import type { EnvironmentRow } from '../environments/environment-store.js';

export interface EnvironmentPageQuery {
  /** `owner/name`, any case. */
  repository?: string;
  state?: EnvironmentState;
  prNumber?: number;
  /** The caller's token restriction: `owner/name`, `owner/*`, or null (every repository). */
  restriction: string | null;
  /** The last row of the page before: (createdAt, id). */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Repositories a token restriction lets through, as a Prisma filter. */
export function restrictionWhere(restriction: string | null): Prisma.RepositoryWhereInput {
  if (restriction === null) return {};
  if (restriction.endsWith('/*')) {
    return { owner: { equals: restriction.slice(0, -2), mode: 'insensitive' } };
  }
  return { fullName: { equals: restriction, mode: 'insensitive' } };
}

/**
 * The REST API's environment pages (decision 0029): newest first by (created_at, id), a key
 * that never changes, so walking the pages shows each row once however rows change meanwhile.
 */
export class EnvironmentPages {
  constructor(private readonly prisma: PrismaClient) {}

  page(query: EnvironmentPageQuery): Promise<EnvironmentRow[]> {
    const after = query.after;
    return this.prisma.environment.findMany({
      where: {
        AND: [
          { repository: restrictionWhere(query.restriction) },
          query.repository
            ? { repository: { fullName: { equals: query.repository, mode: 'insensitive' } } }
            : {},
          query.state ? { state: query.state } : {},
          query.prNumber === undefined ? {} : { prNumber: query.prNumber },
          after
            ? {
                OR: [
                  { createdAt: { lt: after.createdAt } },
                  { createdAt: after.createdAt, id: { lt: after.id } },
                ],
              }
            : {},
        ],
      },
      include: { repository: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
  }
}
