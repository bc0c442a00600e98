import { Prisma, type PrismaClient } from '../generated.js';

export type IdempotencyClaim =
  /** First use of the key: the caller acts, then `complete`s. */
  | { kind: 'claimed' }
  /** Seen before with this request: its answer (null status: the first is still running). */
  | { kind: 'seen'; requestHash: string; status: number | null; body: unknown };

/** Idempotency keys of REST actions (decision 0029), per actor. */
export class IdempotencyStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Claims the key (one INSERT; the primary key decides between racing replicas). */
  async claim(actorId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const inserted = await this.prisma.apiIdempotencyKey.createMany({
      data: [{ actorId, key, requestHash }],
      skipDuplicates: true,
    });
    if (inserted.count === 1) return { kind: 'claimed' };
    const row = await this.prisma.apiIdempotencyKey.findUnique({
      where: { actorId_key: { actorId, key } },
    });
    if (!row) return this.claim(actorId, key, requestHash); // released meanwhile: try again
    return {
      kind: 'seen',
      requestHash: row.requestHash,
      status: row.status,
      body: row.responseBody,
    };
  }

  async complete(actorId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.prisma.apiIdempotencyKey.update({
      where: { actorId_key: { actorId, key } },
      data: {
        status,
        responseBody:
          body === undefined || body === null ? Prisma.JsonNull : (body as Prisma.InputJsonValue),
        completedAt: new Date(),
      },
    });
  }

  /** A first attempt that failed on our side (5xx) is not remembered: a retry may act. */
  async release(actorId: string, key: string): Promise<void> {
    await this.prisma.apiIdempotencyKey.deleteMany({ where: { actorId, key, status: null } });
  }

  /** Keys older than `before` are forgotten (kept 24 h). */
  async prune(before: Date): Promise<number> {
    const { count } = await this.prisma.apiIdempotencyKey.deleteMany({
      where: { createdAt: { lt: before } },
    });
    return count;
  }
}
