import { describeConnection } from './connection-options.js';
import { type PrismaClient } from './generated.js';
import { connectionOf } from './prisma-client.js';

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/**
 * Readiness probe: a cheap `select 1`, bounded by `timeoutMs`. Resolves when Postgres answers;
 * otherwise rejects with a DatabaseUnavailableError naming host:port/database and what to do.
 */
export async function checkDatabase(prisma: PrismaClient, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      prisma.$queryRaw`select 1`,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new DatabaseUnavailableError(explain(prisma, error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function explain(prisma: PrismaClient, error: unknown): string {
  const connection = connectionOf(prisma);
  const where = connection ? `Postgres at ${describeConnection(connection)}` : 'Postgres';
  const reason = reasonOf(error);
  return (
    `${where} is not answering (${reason}). ` +
    'Check that Postgres is running (e.g. `pg_ctlcluster 15 main start`) and that DATABASE_URL ' +
    'has the right host, port, user, password and database.'
  );
}

// Prisma wraps driver errors; the useful text (ECONNREFUSED, auth failure) may be in a cause.
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      const text = current.message.trim().split('\n').at(-1)?.trim() ?? '';
      const part = [typeof code === 'string' ? code : '', text].filter(Boolean).join(': ');
      if (part && !parts.includes(part)) parts.push(part);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ← ') || 'unknown error';
}
