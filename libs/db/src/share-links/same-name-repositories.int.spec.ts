// A repository name can come back as a new repository (deleted and created again on GitHub, or a
// rename onto an old name): lookups by `owner/name#pr` must find the newest pull request of that
// name, not whichever row Postgres returns first. `npm run demo` run twice hit this.
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../index.js';
import { SleepQueries } from '../environments/sleep-queries.js';
import { TtlQueries } from '../environments/ttl-queries.js';
import { SsoStore } from '../sso/sso-store.js';
import { ShareLinkStore } from './share-link-store.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
let prisma: PrismaClient;

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
});
afterAll(async () => {
  await prisma?.$disconnect();
});

async function repositoryWithPr(fullName: string, state: 'destroyed' | 'ready', at: Date) {
  const [owner, name] = fullName.split('/') as [string, string];
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName,
      owner,
      name,
      installationId: 1n,
      cloneUrl: 'http://127.0.0.1:1/x.git',
      createdAt: at,
    },
  });
  return prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 1,
      headSha: 'c'.repeat(40),
      branch: 'feat',
      baseBranch: 'main',
      state,
      dockerHost: 'local',
      config: {},
      createdAt: at,
    },
  });
}

describe('two repositories of one name', () => {
  it('share links, TTL, sleep and SSO sessions all find the newest pull request of that name', async () => {
    const fullName = `acme/again-${randomBytes(4).toString('hex')}`;
    // In the order they happen: the old repository's PR first, as the demo's earlier run left it.
    await repositoryWithPr(fullName, 'destroyed', new Date(Date.now() - 3_600_000));
    const current = await repositoryWithPr(fullName, 'ready', new Date());

    expect(await new ShareLinkStore(prisma).environmentOf(fullName, 1)).toMatchObject({
      id: current.id,
      state: 'ready',
    });
    expect(await new TtlQueries(prisma).locate(fullName.toUpperCase(), 1)).toMatchObject({
      id: current.id,
    });
    expect(await new SleepQueries(prisma).locate(fullName, 1)).toMatchObject({ id: current.id });
    expect(await new SsoStore(prisma).environmentOf(fullName, 1)).toBe(current.id);
    expect(await new SsoStore(prisma).environmentOf(fullName, 2)).toBeNull();
  });
});
