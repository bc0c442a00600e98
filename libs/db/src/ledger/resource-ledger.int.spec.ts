// The ledger's plan on the real database: idempotent re-planning keeps a row's state, and a kept
// metadata key survives plans racing on two pools (two PRs running one base image at once).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../index.js';
import { ResourceLedger } from './resource-ledger.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let other: PrismaClient; // a second pool, so "at once" really means two connections

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  other = createPrismaClient(databaseUrl);
});

afterAll(async () => {
  await Promise.all([prisma?.$disconnect(), other?.$disconnect()]);
});

const imageName = () => `berth/acme--ledger-${randomBytes(4).toString('hex')}:tag`;

describe('ResourceLedger.plan', () => {
  it('creates a planned row once, then re-owns it and keeps its state', async () => {
    const ledger = new ResourceLedger(prisma, 'host-a');
    const name = imageName();
    const first = await ledger.plan({
      kind: 'image',
      provider: 'docker',
      name,
      environmentId: null,
      metadata: { service: 'api' },
    });
    expect(first).toMatchObject({ state: 'planned', host: 'host-a', metadata: { service: 'api' } });
    await ledger.markCreated(first.id, 'sha256:abc');
    const again = await ledger.plan({
      kind: 'image',
      provider: 'docker',
      name,
      environmentId: null,
      metadata: { service: 'web' },
    });
    expect(again).toMatchObject({ id: first.id, state: 'created', providerId: 'sha256:abc' });
    expect(again.metadata).toEqual({ service: 'web' });
  });

  it('keeps a named key the new metadata lacks, and lets the new metadata win when it has it', async () => {
    const ledger = new ResourceLedger(prisma);
    const name = imageName();
    const planned = {
      kind: 'image' as const,
      provider: 'docker' as const,
      name,
      environmentId: null,
    };
    await ledger.plan({ ...planned, metadata: { base: true, service: 'api', old: 1 } });
    const kept = await ledger.plan(
      { ...planned, metadata: { service: 'api2' } },
      { keepMetadata: ['base'] },
    );
    expect(kept.metadata).toEqual({ base: true, service: 'api2' });
    const overridden = await ledger.plan(
      { ...planned, metadata: { base: false } },
      { keepMetadata: ['base'] },
    );
    expect(overridden.metadata).toEqual({ base: false });
    const dropped = await ledger.plan({ ...planned, metadata: {} });
    expect(dropped.metadata).toEqual({});
  });

  it('never loses a kept key to plans racing on two connections', async () => {
    const name = imageName();
    const planned = {
      kind: 'image' as const,
      provider: 'docker' as const,
      name,
      environmentId: null,
    };
    const ledgers = [new ResourceLedger(prisma), new ResourceLedger(other)];
    await ledgers[0]?.plan({ ...planned, metadata: {} });
    // One plan marks the image a base image; forty others, each keeping `base`, re-plan it.
    await Promise.all([
      ledgers[0]?.plan({ ...planned, metadata: { base: true } }, { keepMetadata: ['base'] }),
      ...Array.from({ length: 40 }, (_, i) =>
        ledgers[i % 2]?.plan({ ...planned, metadata: { pr: i } }, { keepMetadata: ['base'] }),
      ),
    ]);
    const row = await prisma.resource.findFirstOrThrow({ where: { name } });
    expect(row.metadata).toMatchObject({ base: true });
  });
});
