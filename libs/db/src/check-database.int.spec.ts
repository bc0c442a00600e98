import { describe, expect, it } from 'vitest';
import { checkDatabase, createPrismaClient, DatabaseUnavailableError } from './index.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

describe('checkDatabase', () => {
  it('resolves against the running test database', async () => {
    const prisma = createPrismaClient(databaseUrl);
    try {
      await expect(checkDatabase(prisma)).resolves.toBeUndefined();
    } finally {
      await prisma.$disconnect();
    }
  });

  it('names host, port and the fix when nothing listens', async () => {
    const prisma = createPrismaClient('postgresql://berth:s3cret@127.0.0.1:1/berth');
    try {
      const error = await checkDatabase(prisma).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const message = (error as Error).message;
      expect(message).toContain('127.0.0.1:1/berth');
      expect(message).toMatch(/Can't reach database server/);
      expect(message).toContain('DATABASE_URL');
      expect(message).not.toContain('s3cret');
    } finally {
      await prisma.$disconnect();
    }
  });

  it('gives up after the timeout when the server never answers', async () => {
    // A listening socket that never speaks the Postgres protocol.
    const { createServer } = await import('node:net');
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const prisma = createPrismaClient(`postgresql://berth:berth@127.0.0.1:${port}/berth`, {
      connectionTimeoutMs: 1_000,
    });
    try {
      const started = performance.now();
      await expect(checkDatabase(prisma, 300)).rejects.toThrow(/no answer within 300 ms/);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      await prisma.$disconnect().catch(() => undefined);
      server.close();
    }
  });
});
