import { checkDatabase } from './check-database.js';
import { type PrismaClient } from './generated.js';
import { createPrismaClient, type CreatePrismaClientOptions } from './prisma-client.js';

/**
 * Owns one Prisma client for a process. A plain class so libs/db stays free of Nest: apps
 * register it with a factory provider (`useFactory: (c) => new PrismaService(c.DATABASE_URL)`);
 * Nest calls `onModuleDestroy` by name on shutdown.
 */
export class PrismaService {
  readonly client: PrismaClient;

  constructor(databaseUrl: string, options?: CreatePrismaClientOptions) {
    this.client = createPrismaClient(databaseUrl, options);
  }

  /** Readiness: rejects with a message naming host:port when Postgres does not answer. */
  check(timeoutMs?: number): Promise<void> {
    return checkDatabase(this.client, timeoutMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
  }
}
