import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient, SsoStore } from '../index.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let store: SsoStore;
const login = `spec-${randomBytes(3).toString('hex')}`;
const ENV = randomUUID();
const HOST = 'web.pr-1-shop-0123456789.preview.test';
const inAMinute = () => new Date(Date.now() + 60_000);

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  store = new SsoStore(prisma);
});
afterAll(async () => {
  await prisma.ssoSession.deleteMany({ where: { login } });
  await prisma?.$disconnect();
});

async function sessionWithCode(code: string, expiresAt = inAMinute()) {
  const session = await store.createSession({
    environmentId: ENV,
    provider: 'github',
    subject: '1',
    login,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  await store.issueCode({
    codeHash: code,
    sessionId: session.id,
    hostname: HOST,
    returnPath: '/x',
    expiresAt,
  });
  return session;
}

describe('SsoStore one-time codes', () => {
  it('redeems a code once, even when two redemptions race', async () => {
    const session = await sessionWithCode(`race-${login}`);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.redeemCode(`race-${login}`, HOST, new Date())),
    );
    const won = results.filter((r) => r !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ session: { id: session.id }, returnPath: '/x' });
  });

  it('refuses a code on another host, an expired code, and a revoked session’s code', async () => {
    await sessionWithCode(`host-${login}`);
    expect(await store.redeemCode(`host-${login}`, 'other.preview.test', new Date())).toBeNull();
    // Consumed by the refused attempt: it cannot be tried again on the right host.
    expect(await store.redeemCode(`host-${login}`, HOST, new Date())).toBeNull();

    await sessionWithCode(`old-${login}`, new Date(Date.now() - 1_000));
    expect(await store.redeemCode(`old-${login}`, HOST, new Date())).toBeNull();

    const revoked = await sessionWithCode(`rev-${login}`);
    expect(await store.revoke({ environmentId: ENV }, new Date())).toBeGreaterThanOrEqual(1);
    expect(await store.redeemCode(`rev-${login}`, HOST, new Date())).toBeNull();
    const since = await store.revokedSince(new Date(0), new Date());
    expect(since.map((r) => r.id)).toContain(revoked.id);
  });
});
