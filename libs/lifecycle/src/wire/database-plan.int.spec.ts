// Which data a preview's database starts from, over the test database: a same-repository PR
// branches from the newest base state and takes the base's database credentials; a fork never
// gets the base's data; an existing database is kept; no base means empty.
import { randomBytes } from 'node:crypto';
import { BASE_ENVIRONMENT_PR, parseComposeOrThrow, parseProductionRules } from '@berth/core';
import { EnvironmentStore, PostgresPreviewScopes, ResourceLedger } from '@berth/db';
import { DockerContainerHost } from '@berth/providers';
import { afterAll, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../commands/commands.int-support.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { BaseStates } from '../replicate/base-states.js';
import { testDatabase } from '../replicate/shop-fixture.int-support.js';
import { PreviewSecrets } from '../secrets/preview-secrets.js';
import { planRevisionDatabase } from './database-plan.js';

const prisma = testDatabase();
const ledger = new ResourceLedger(prisma);
const secrets = new PreviewSecrets({
  scopes: new PostgresPreviewScopes(prisma, randomBytes(32)),
  ledger,
  rules: parseProductionRules({}),
  prefix: 'berth/preview',
});
const baseStates = new BaseStates({
  // Only read here: capture (the one Docker call) has its own test on the shop.
  host: new DockerContainerHost(),
  ledger,
  environments: new EnvironmentStore(prisma),
});

const spec = parseComposeOrThrow(
  [
    'services:',
    "  web: { image: x, ports: ['3000'] }",
    '  db:',
    '    image: postgres:15',
    '    environment: { POSTGRES_PASSWORD: "${DB_PASSWORD}" }',
    '    volumes: [db-data:/var/lib/postgresql/data]',
    'volumes: { db-data: {} }',
    'x-berth:',
    '  database: { service: db }',
    '  secrets: [db_password, api_key]',
    "  variables: { DB_PASSWORD: '{{ secrets.db_password }}' }",
    '',
  ].join('\n'),
);
const markers = {
  db_password: '@@berth-secret:n1:db_password@@',
  api_key: '@@berth-secret:n1:api_key@@',
};
const rendered = { db: { POSTGRES_PASSWORD: markers.db_password }, web: { KEY: markers.api_key } };

afterAll(async () => {
  await prisma.$disconnect();
});

async function load(id: string): Promise<EnvironmentWithRepository> {
  return prisma.environment.findUniqueOrThrow({ where: { id }, include: { repository: true } });
}

/** A repository with a PR environment and, optionally, its base environment holding a capture. */
async function repositoryWithBase(withBase: boolean) {
  const { env } = await seedEnvironment(prisma);
  const pr = await load(env.id);
  if (!withBase) return { pr };
  const row = await prisma.environment.create({
    data: {
      repositoryId: pr.repositoryId,
      prNumber: BASE_ENVIRONMENT_PR,
      headSha: 'b'.repeat(40),
      branch: 'main',
      baseBranch: 'main',
      state: 'ready',
    },
  });
  const base = await load(row.id);
  const values = await secrets.materialise({
    environment: base,
    names: ['db_password', 'api_key'],
    layersAllowed: false,
  });
  const volume = await ledger.plan({
    kind: 'volume',
    provider: 'docker',
    name: `berth-spec-${randomBytes(6).toString('hex')}-base`,
    environmentId: base.id,
  });
  await ledger.markCreated(volume.id);
  await ledger.mergeMetadata(volume.id, {
    baseState: {
      service: 'db',
      target: '/var/lib/postgresql/data',
      sha: base.headSha,
      generation: 1,
      capturedAt: new Date().toISOString(),
      bytes: 1,
    },
  });
  return { pr, base, values: values.values, volume: volume.name };
}

const deps = { ledger, baseStates, secrets };

describe('planRevisionDatabase', () => {
  it('branches a PR from the newest base state, with the base’s database credentials only', async () => {
    const { pr, values, volume } = await repositoryWithBase(true);
    const wired = await planRevisionDatabase(deps, pr, spec, rendered, markers);
    expect(wired && 'database' in wired).toBe(true);
    if (!wired || !('database' in wired)) return;
    expect(wired.database).toMatchObject({
      service: 'db',
      mode: 'branch',
      action: 'branched',
      base: { sha: 'b'.repeat(40), volumes: { '/var/lib/postgresql/data': volume } },
    });
    expect(wired.database.volumes).toEqual([
      expect.objectContaining({ key: 'db-data', target: '/var/lib/postgresql/data' }),
    ]);
    // The copy's password, and nothing the database does not use.
    expect(wired.inherit).toEqual({ db_password: values?.['db_password'] });
  });

  it('branches from the base the PR was cut from while it is kept, else the newest, and says so', async () => {
    const { pr, base, volume } = await repositoryWithBase(true);
    if (!base) throw new Error('no base');
    // A newer capture, after the PR was cut at the first one ('b…').
    const newer = await ledger.plan({
      kind: 'volume',
      provider: 'docker',
      name: `${volume}-newer`,
      environmentId: base.id,
    });
    await ledger.markCreated(newer.id);
    await ledger.mergeMetadata(newer.id, {
      baseState: {
        service: 'db',
        target: '/var/lib/postgresql/data',
        sha: 'c'.repeat(40),
        generation: 2,
        capturedAt: new Date(Date.now() + 1_000).toISOString(),
        bytes: 1,
      },
    });
    const cut = await planRevisionDatabase(deps, pr, spec, rendered, markers, 'b'.repeat(40));
    expect(cut && 'database' in cut && cut.database).toMatchObject({
      action: 'branched',
      base: { sha: 'b'.repeat(40), volumes: { '/var/lib/postgresql/data': volume } },
      note: expect.stringMatching(/at bbbbbbb, where this PR was cut from \(db:branch\)/),
    });
    const gone = await planRevisionDatabase(deps, pr, spec, rendered, markers, 'd'.repeat(40));
    expect(gone && 'database' in gone && gone.database).toMatchObject({
      base: { sha: 'c'.repeat(40) },
      note: expect.stringMatching(
        /the newest kept \(this PR was cut from ddddddd, which has no base state\)/,
      ),
    });
  });

  it('never gives a fork the base’s data, even labelled db:branch', async () => {
    const { pr } = await repositoryWithBase(true);
    await prisma.environment.update({
      where: { id: pr.id },
      data: { isFork: true, config: { database: 'branch', databaseFromLabel: true } },
    });
    const wired = await planRevisionDatabase(deps, await load(pr.id), spec, rendered, markers);
    expect(wired && 'database' in wired && wired.database).toMatchObject({
      mode: 'fresh',
      action: 'created',
    });
    expect(wired && 'database' in wired && wired.database.note).toMatch(
      /a fork PR never gets a copy of the base's data/,
    );
    expect(wired && 'inherit' in wired && wired.inherit).toEqual({});
  });

  it('keeps an existing database, and starts empty without a base', async () => {
    const { pr } = await repositoryWithBase(false);
    const first = await planRevisionDatabase(deps, pr, spec, rendered, markers);
    expect(first && 'database' in first && first.database.action).toBe('created');
    if (!first || !('database' in first)) return;
    const row = await ledger.plan({
      kind: 'volume',
      provider: 'docker',
      name: first.database.volumes[0]?.name ?? '',
      environmentId: pr.id,
    });
    await ledger.markCreated(row.id);
    await ledger.mergeMetadata(row.id, { database: { mode: 'fresh', generation: 1 } });
    const again = await planRevisionDatabase(deps, pr, spec, rendered, markers);
    expect(again && 'database' in again && again.database).toMatchObject({
      mode: 'fresh',
      action: 'kept',
    });
  });

  it('warns when the database service keeps its data in no volume', async () => {
    const { pr } = await repositoryWithBase(false);
    const noVolume = parseComposeOrThrow(
      "services:\n  web: { image: x, ports: ['3000'] }\n  db: { image: x }\nx-berth: { database: { service: db } }\n",
    );
    expect(await planRevisionDatabase(deps, pr, noVolume, {}, {})).toEqual({
      warning: expect.stringMatching(
        /keeps its data in no volume.*db-data:\/var\/lib\/postgresql\/data/,
      ),
    });
  });
});
