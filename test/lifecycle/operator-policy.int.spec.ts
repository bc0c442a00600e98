// Operator policy beats the pull request's own files, through the real wire stage (no Docker
// needed): a compose file asking for `x-berth.public: true` and reading operator variables gets
// neither until the operator allows them, the operator's compose path is the file loaded, and a
// fork PR gets the operator's secret layers only once the operator allows it.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_PRODUCTION_RULES } from '@berth/core';
import {
  createPrismaClient,
  PostgresPreviewScopes,
  type PrismaClient,
  RepositorySettingsStore,
  ScopedSecretStore,
} from '@berth/db';
import {
  createWireHandler,
  PreviewSecrets,
  ResourceLedger,
  type EnvironmentWithRepository,
  type RevisionWiring,
  type StageHandler,
} from '@berth/lifecycle';
import { GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryComposeSettings } from '../../apps/worker/src/lifecycle/compose-settings.js';
import { testServices } from '../support/test-services.js';

const COMPOSE = `services:
  web:
    image: \${WEB_IMAGE:-nginx:alpine}
    ports: ["8080"]
    environment:
      DEPLOY_TOKEN: \${DEPLOY_TOKEN:-none}
x-berth:
  public: true
`;
const SECRETS = `services:
  web:
    image: nginx:alpine
    ports: ["8080"]
    environment:
      API_KEY: \${SHOP_API_KEY}
x-berth:
  secrets: [api_key]
  variables:
    SHOP_API_KEY: '{{ secrets.api_key }}'
`;
const OTHER = `services:
  docs:
    image: nginx:alpine
    ports: ["8080"]
`;

let gh: Awaited<ReturnType<typeof startGitHubEmulator>>;
let prisma: PrismaClient;
let workDir: string;
let wire: StageHandler;
let settings: RepositorySettingsStore;
const repo = `acme/policy${randomBytes(3).toString('hex')}`;
let env: EnvironmentWithRepository;
let generation = 0;
const masterKey = randomBytes(32);
let secrets: PreviewSecrets;

beforeAll(async () => {
  gh = await startGitHubEmulator({ firstRepositoryId: randomInt(100_000_000, 900_000_000) });
  prisma = createPrismaClient(testServices().databaseUrl);
  settings = new RepositorySettingsStore(prisma);
  workDir = await mkdtemp(join(tmpdir(), 'berth-policy-'));
  const variables = join(workDir, 'operator.env');
  await writeFile(variables, 'WEB_IMAGE=registry.internal/web:1\nDEPLOY_TOKEN=prod-secret-token\n');
  const [owner, name] = repo.split('/') as [string, string];
  await gh.createRepository({
    owner,
    name,
    files: {
      'docker-compose.yml': COMPOSE,
      'deploy/other.yml': OTHER,
      'deploy/secrets.yml': SECRETS,
    },
  });
  const pr = await gh.openPullRequest({
    repo,
    branch: 'feat',
    title: 'Feat',
    changes: { 'x.txt': 'x\n' },
  });
  wire = createWireHandler({
    source: new GitSourceRepository({ workDir: join(workDir, 'src') }),
    github: { installationToken: async () => gh.createInstallationToken().token },
    settings: {
      BASE_DOMAIN: 'localhost',
      PREVIEW_URL_SCHEME: 'http',
      PREVIEW_URL_PORT: 8080,
      COMPOSE_VARIABLES_FILE: variables,
    },
    // Exactly what the worker's composition root passes.
    composeSettings: repositoryComposeSettings(settings, undefined),
    repositorySettings: settings,
    prisma,
    secrets: (secrets = new PreviewSecrets({
      scopes: new PostgresPreviewScopes(prisma, masterKey),
      ledger: new ResourceLedger(prisma),
      layers: new ScopedSecretStore(prisma, masterKey),
      rules: NO_PRODUCTION_RULES,
      prefix: 'berth/preview',
    })),
  });
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repo,
      owner,
      name,
      installationId: BigInt(gh.installationId),
      cloneUrl: gh.cloneUrl(repo),
    },
  });
  env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch: 'feat',
      baseBranch: 'main',
    },
    include: { repository: true },
  });
});

afterAll(async () => {
  await prisma?.repositorySettings.deleteMany({ where: { fullName: repo } });
  await prisma?.secret.deleteMany({ where: { scope: `repository:${repo}` } });
  await prisma?.$disconnect();
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Runs the wire stage on a new revision and returns what it stored. */
async function wired(of: EnvironmentWithRepository = env): Promise<RevisionWiring> {
  generation += 1;
  await prisma.environment.update({ where: { id: of.id }, data: { generation } });
  const environment = { ...of, generation };
  const revision = await prisma.revision.create({
    data: { environmentId: of.id, generation, headSha: of.headSha, configSnapshot: {} },
  });
  await wire.run({
    job: { environmentId: of.id, generation, stage: 'wire' },
    attempt: 1,
    environment,
    revision,
    logger: pino({ level: 'silent' }),
    assertCurrent: async () => undefined,
  });
  const row = await prisma.revision.findUniqueOrThrow({ where: { id: revision.id } });
  return row.wiring as unknown as RevisionWiring;
}

describe('operator policy over the pull request', () => {
  it('keeps a preview private and the operator variables out, whatever the compose file asks', async () => {
    const wiring = await wired();
    expect(wiring.public).toBe(false);
    expect(wiring.spec.services['web']?.image).toBe('nginx:alpine');
    expect(wiring.spec.services['web']?.environment['DEPLOY_TOKEN']).toBe('none');
    expect(JSON.stringify(wiring)).not.toContain('prod-secret-token');
  });

  it('makes it public and passes exactly the allowed variables once the operator says so', async () => {
    await settings.update(repo, { accessMode: 'public', allowedVariables: ['WEB_IMAGE'] });
    const wiring = await wired();
    expect(wiring.public).toBe(true);
    expect(wiring.spec.services['web']?.image).toBe('registry.internal/web:1');
    expect(JSON.stringify(wiring)).not.toContain('prod-secret-token');
  });

  it('loads the operator compose path instead of the discovered file', async () => {
    await settings.update(repo, { composePath: 'deploy/other.yml', accessMode: 'private' });
    const wiring = await wired();
    expect(Object.keys(wiring.spec.services)).toEqual(['docs']);
    expect(wiring.public).toBe(false);
  });

  it('gives a fork PR generated secrets only, until the operator allows its layers', async () => {
    const operatorKey = `sk_op_${randomBytes(10).toString('hex')}`;
    await settings.update(repo, { composePath: 'deploy/secrets.yml' });
    await new ScopedSecretStore(prisma, masterKey).set(
      'repository',
      { repository: repo },
      'api_key',
      { value: operatorKey },
    );
    const fork = await prisma.environment.create({
      data: {
        repositoryId: env.repositoryId,
        prNumber: env.prNumber + 1000,
        headSha: env.headSha,
        branch: 'fork-feat',
        baseBranch: 'main',
        isFork: true,
      },
      include: { repository: true },
    });
    const apiKeyOf = async (of: EnvironmentWithRepository) => {
      await wired(of);
      return (await secrets.read({ ...of, generation }))?.['api_key'];
    };
    expect(await apiKeyOf(env)).toBe(operatorKey);
    const generated = await apiKeyOf(fork);
    expect(generated).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generated).not.toBe(operatorKey);

    await settings.update(repo, { forkSecrets: true });
    expect(await apiKeyOf(fork)).toBe(operatorKey);
  });
});
