import { Prisma } from '../generated.js';

/**
 * A token's repository restriction (`owner/name`, `owner/*`, or null for every repository) as
 * a SQL condition on a `repositories` row aliased `alias`: the raw-SQL twin of
 * `restrictionWhere`, for the reports that aggregate in SQL (costs, deliveries).
 */
export function restrictionSql(restriction: string | null, alias = 'r'): Prisma.Sql {
  if (restriction === null) return Prisma.sql`TRUE`;
  const table = Prisma.raw(alias);
  if (restriction.endsWith('/*')) {
    return Prisma.sql`lower(${table}.owner) = lower(${restriction.slice(0, -2)})`;
  }
  return Prisma.sql`lower(${table}.full_name) = lower(${restriction})`;
}
