import { checkDatabase, createPrismaClient, migrationStatus } from '@berth/db';
import type { CliEnv } from '../cli-context.js';
import { type CheckResult, fail, ok, reason, within, workerSetting } from './check.js';

/** DATABASE_URL answers, and every migration this build ships is applied (none failed). */
export async function checkPostgres(env: CliEnv): Promise<CheckResult[]> {
  let url: string;
  try {
    url = workerSetting(env, 'DATABASE_URL');
  } catch (error) {
    return [
      fail('postgres', reason(error), 'set DATABASE_URL=postgresql://user:pass@host:5432/berth'),
    ];
  }
  const prisma = createPrismaClient(url);
  try {
    try {
      // Generous: a loaded host answers slowly, and a false alarm sends the operator astray.
      await checkDatabase(prisma, 10_000);
    } catch (error) {
      const [what, how] = splitFix(reason(error));
      return [
        fail('postgres', what, how ?? 'start Postgres, or fix DATABASE_URL'),
        fail('migrations', 'not checked: Postgres does not answer', 'fix the postgres check first'),
      ];
    }
    const status = await within(5_000, 'migration status', migrationStatus(prisma));
    if (status.failed.length) {
      return [
        reachable(url),
        fail(
          'migrations',
          `migration ${status.failed.join(', ')} started and never finished`,
          'fix the cause in its log, then `npx prisma migrate resolve --rolled-back <name>` and `npm run db:migrate`',
        ),
      ];
    }
    if (status.pending.length) {
      return [
        reachable(url),
        fail(
          'migrations',
          `${status.pending.length} migration(s) not applied: ${status.pending.join(', ')}`,
          'run `npm run db:migrate` (prisma migrate deploy) with this DATABASE_URL',
        ),
      ];
    }
    const newer = status.unknown.length
      ? `; ${status.unknown.length} applied migration(s) newer than this build`
      : '';
    return [reachable(url), ok('migrations', `all ${status.applied} applied${newer}`)];
  } catch (error) {
    return [
      reachable(url),
      fail('migrations', reason(error), 'check the database user may read _prisma_migrations'),
    ];
  } finally {
    await prisma.$disconnect().catch(() => undefined);
  }
}

function reachable(url: string): CheckResult {
  return ok('postgres', `answers at ${redactedUrl(url)}`);
}

/** The URL without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** checkDatabase's message is "<what>. Check that …": the second half is the fix. */
function splitFix(message: string): [string, string | undefined] {
  const at = message.indexOf(' Check that ');
  return at < 0 ? [message, undefined] : [message.slice(0, at), message.slice(at + 1)];
}
