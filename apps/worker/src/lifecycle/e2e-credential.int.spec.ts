// The E2E tests' credential is an ordinary share link: recorded (so listed and revocable), bound
// to the one environment, and expiring with the tests' timeout.
import { randomBytes, randomInt } from 'node:crypto';
import { verifyShareToken } from '@berth/core';
import { createPrismaClient, type PrismaClient, ShareLinkStore } from '@berth/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintE2eCredential } from './e2e-credential.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const SECRET = 'e2e-credential-spec-secret-0123456789abcdef';
let prisma: PrismaClient;

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
});

describe('mintE2eCredential', () => {
  it('mints a recorded share link for the one environment that expires with the tests', async () => {
    const name = `e2ecred-${randomBytes(3).toString('hex')}`;
    const repository = await prisma.repository.create({
      data: {
        providerId: BigInt(randomInt(1, 2 ** 47)),
        fullName: `acme/${name}`,
        owner: 'acme',
        name,
        installationId: 1n,
        cloneUrl: 'http://127.0.0.1:1/acme/x.git',
      },
    });
    const env = await prisma.environment.create({
      data: {
        repositoryId: repository.id,
        prNumber: 3,
        headSha: 'a'.repeat(40),
        branch: 'feat/x',
        baseBranch: 'main',
        state: 'ready',
      },
    });
    const now = new Date('2026-12-02T12:00:00Z');
    const token = await mintE2eCredential(new ShareLinkStore(prisma), SECRET, env.id, 660, now);
    const verdict = verifyShareToken(SECRET, token, new Date(now.getTime() + 600_000));
    expect(verdict).toMatchObject({ ok: true, environmentId: env.id });
    expect(verifyShareToken(SECRET, token, new Date(now.getTime() + 661_000))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    const links = await new ShareLinkStore(prisma).ofEnvironment(env.id);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ createdBy: 'berth:e2e', revokedAt: null });
    expect(verdict.ok && verdict.linkId).toBe(links[0]?.id);
  });
});
