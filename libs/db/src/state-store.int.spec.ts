import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, Prisma, type PrismaClient } from './index.js';

// The integration project's globalSetup has reset this database and run `migrate deploy`.
const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let other: PrismaClient; // a second pool, so "concurrent" really means two connections
let repositoryId: string;

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl);
  other = createPrismaClient(databaseUrl);
  const repo = await prisma.repository.create({
    data: {
      providerId: BigInt(Date.now()),
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      installationId: 42n,
      cloneUrl: 'https://github.com/acme/shop.git',
    },
  });
  repositoryId = repo.id;
});

afterAll(async () => {
  await Promise.all([prisma?.$disconnect(), other?.$disconnect()]);
});

function uniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function environmentUpsert(client: PrismaClient, prNumber: number, headSha: string) {
  return client.environment.upsert({
    where: { repositoryId_prNumber: { repositoryId, prNumber } },
    create: { repositoryId, prNumber, headSha, branch: 'feature', baseBranch: 'main' },
    update: { headSha },
  });
}

describe('migrations', () => {
  it('applied every migration directory, and the tables exist', async () => {
    const onDisk = readdirSync(new URL('../../../prisma/migrations', import.meta.url), {
      withFileTypes: true,
    })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const applied = await prisma.$queryRaw<{ migration_name: string }[]>`
      select migration_name from _prisma_migrations
      where finished_at is not null and rolled_back_at is null
      order by migration_name`;
    expect(applied.map((row) => row.migration_name)).toEqual(onDisk);
    expect(onDisk[0]).toMatch(/^\d{14}_create_core_model$/);

    const tables = await prisma.$queryRaw<{ table_name: string }[]>`
      select table_name from information_schema.tables
      where table_schema = 'public' order by table_name`;
    expect(tables.map((row) => row.table_name)).toEqual([
      '_prisma_migrations',
      'admission_waits',
      'api_audit_log',
      'api_idempotency_keys',
      'api_tokens',
      'build_logs',
      'check_runs',
      'database_snapshots',
      'environment_usage',
      'environments',
      'lifecycle_events',
      'outbox_jobs',
      'repositories',
      'repository_settings',
      'resources',
      'revisions',
      'routes',
      'secrets',
      'service_status',
      'share_links',
      'slack_messages',
      'slack_replies',
      'sso_codes',
      'sso_sessions',
      'stage_runs',
      'usage_cursors',
      'webhook_deliveries',
    ]);
  });
});

describe('environment identity (repository, PR number)', () => {
  // Prisma compiles this upsert (where = the unique key only) to one INSERT … ON CONFLICT DO
  // UPDATE, so it is atomic; a where with extra conditions would fall back to select-then-insert
  // and race. This test is the guard.
  it('two concurrent upserts for the same key leave exactly one row', async () => {
    // Several rounds make an interleaving of the two connections likely.
    for (let prNumber = 1000; prNumber < 1020; prNumber += 1) {
      const results = await Promise.allSettled([
        environmentUpsert(prisma, prNumber, 'a'.repeat(40)),
        environmentUpsert(other, prNumber, 'b'.repeat(40)),
      ]);
      const rejected = results.filter((r) => r.status === 'rejected');
      expect(
        rejected,
        `PR ${prNumber}: ${String((rejected[0] as PromiseRejectedResult)?.reason)}`,
      ).toEqual([]);
      const rows = await prisma.environment.findMany({ where: { repositoryId, prNumber } });
      expect(rows).toHaveLength(1);
    }
  });

  it('a second plain insert of the same key is refused by the database', async () => {
    await environmentUpsert(prisma, 7, 'c'.repeat(40));
    const duplicate = prisma.environment.create({
      data: { repositoryId, prNumber: 7, headSha: 'd'.repeat(40), branch: 'x', baseBranch: 'main' },
    });
    await expect(duplicate).rejects.toSatisfy(uniqueViolation);
  });
});

describe('webhook deliveries', () => {
  it('a replayed delivery id is rejected as a duplicate, and skipDuplicates makes it a no-op', async () => {
    const delivery = {
      deliveryId: 'd7c1a2b0-0000-4000-8000-000000000001',
      event: 'pull_request',
      action: 'opened',
    };
    await prisma.webhookDelivery.create({ data: delivery });
    await expect(prisma.webhookDelivery.create({ data: delivery })).rejects.toSatisfy(
      uniqueViolation,
    );
    const replay = await prisma.webhookDelivery.createMany({
      data: [delivery],
      skipDuplicates: true,
    });
    expect(replay.count).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { deliveryId: delivery.deliveryId } })).toBe(
      1,
    );
  });
});

describe('resource ledger', () => {
  it('a deterministic name is unique per provider and kind', async () => {
    const env = await environmentUpsert(prisma, 8, 'e'.repeat(40));
    const row = {
      kind: 'network',
      provider: 'docker',
      name: 'berth-pr-8-shop',
      environmentId: env.id,
    } as const;
    await prisma.resource.create({ data: row });
    await expect(prisma.resource.create({ data: row })).rejects.toSatisfy(uniqueViolation);
    // The same name under another kind or provider is a different resource.
    await prisma.resource.create({ data: { ...row, kind: 'volume' } });
    await prisma.resource.create({ data: { ...row, provider: 'route53', kind: 'dns_record' } });
    const owned = await prisma.resource.findMany({
      where: { environmentId: env.id, state: 'planned' },
    });
    expect(owned).toHaveLength(3);
  });
});

describe('generation bump', () => {
  async function bump(client: PrismaClient, environmentId: string, headSha: string) {
    return client.$transaction(async (tx) => {
      const env = await tx.environment.update({
        where: { id: environmentId },
        data: { generation: { increment: 1 }, headSha },
      });
      await tx.revision.create({
        data: {
          environmentId,
          generation: env.generation,
          headSha,
          configSnapshot: { mode: 'full-stack' },
        },
      });
      return env.generation;
    });
  }

  it('concurrent bumps get distinct generations, each with its own revision', async () => {
    const env = await environmentUpsert(prisma, 9, 'f'.repeat(40));
    const generations = await Promise.all([
      bump(prisma, env.id, '1'.repeat(40)),
      bump(other, env.id, '2'.repeat(40)),
    ]);
    expect([...generations].sort()).toEqual([2, 3]);
    const revisions = await prisma.revision.findMany({
      where: { environmentId: env.id },
      orderBy: { generation: 'asc' },
    });
    expect(revisions.map((r) => r.generation)).toEqual([2, 3]);
    expect((await prisma.environment.findUniqueOrThrow({ where: { id: env.id } })).generation).toBe(
      3,
    );
  });

  it('a failed transaction leaves the generation where it was', async () => {
    const env = await environmentUpsert(prisma, 10, '3'.repeat(40));
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 2, headSha: 'x', configSnapshot: {} },
    });
    // generation 1 → 2 collides with the existing revision 2, so the whole bump rolls back.
    await expect(bump(prisma, env.id, '4'.repeat(40))).rejects.toSatisfy(uniqueViolation);
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.generation).toBe(1);
    expect(after.headSha).toBe('3'.repeat(40));
  });
});
