import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient, RepositorySettingsStore } from '../index.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
});

afterAll(async () => {
  await prisma.repositorySettings.deleteMany({ where: { fullName: { startsWith: 'spec-' } } });
  await prisma?.$disconnect();
});

describe('RepositorySettingsStore', () => {
  it('answers the defaults for a repository without settings', async () => {
    const settings = await new RepositorySettingsStore(prisma).forRepository('spec-none/Repo');
    expect(settings).toEqual({
      fullName: 'spec-none/repo',
      enabled: true,
      accessMode: 'private',
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      allowedVariables: [],
      stored: false,
    });
  });

  it('stores a change under the lowercased name, merges later ones, and clears with null', async () => {
    const store = new RepositorySettingsStore(prisma);
    await store.update('spec-acme/Shop', {
      composePath: 'deploy/compose.yaml',
      accessMode: 'public',
      maxMemoryMb: 2048,
      maxCpus: 1.5,
      allowedVariables: ['B', 'A', 'A'],
    });
    await store.update('SPEC-ACME/shop', { defaultTtlHours: 24, composePath: null });
    const settings = await store.forRepository('spec-acme/shop');
    expect(settings).toEqual({
      fullName: 'spec-acme/shop',
      enabled: true,
      accessMode: 'public',
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      maxMemoryMb: 2048,
      maxCpus: 1.5,
      defaultTtlHours: 24,
      allowedVariables: ['A', 'B'],
      stored: true,
    });
    expect((await store.list()).map((s) => s.fullName)).toContain('spec-acme/shop');
    expect(await store.remove('spec-acme/shop')).toBe(true);
    expect((await store.forRepository('spec-acme/shop')).stored).toBe(false);
  });

  it('keeps the allowed build secrets sorted and once each; an empty list reads as none', async () => {
    const store = new RepositorySettingsStore(prisma);
    await store.update('spec-bsec/shop', { buildSecrets: ['sentry', 'npm_token', 'sentry'] });
    expect((await store.forRepository('spec-bsec/shop')).buildSecrets).toEqual([
      'npm_token',
      'sentry',
    ]);
    await store.update('spec-bsec/shop', { buildSecrets: [] });
    expect(await store.forRepository('spec-bsec/shop')).not.toHaveProperty('buildSecrets');
  });
});
