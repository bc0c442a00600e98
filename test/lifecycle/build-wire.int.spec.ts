// The build and wire stages on a real Docker engine, the GitHub emulator's git server and the
// test database: a copy of examples/shop, built, rebuilt after an api-only push, and wired.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import {
  createPrismaClient,
  PostgresPreviewScopes,
  type PrismaClient,
  type Revision,
} from '@berth/db';
import { environmentDomain, environmentIdentity, NO_PRODUCTION_RULES } from '@berth/core';
import {
  createBuildHandler,
  createWireHandler,
  type EnvironmentWithRepository,
  type PreviewSettings,
  PreviewSecrets,
  resolveSecretRefs,
  ResourceLedger,
  type RevisionImages,
  type RevisionWiring,
  type StageHandler,
  type StageInput,
  SupersededError,
} from '@berth/lifecycle';
import { DockerContainerHost, GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';
import { testServices } from '../support/test-services.js';

type Emulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

const IMAGES_ENV = fileURLToPath(new URL('../../scripts/bootstrap/images.env', import.meta.url));
const settings: PreviewSettings = {
  BASE_DOMAIN: 'localhost',
  PREVIEW_URL_SCHEME: 'http',
  PREVIEW_URL_PORT: 8080,
  COMPOSE_VARIABLES_FILE: IMAGES_ENV,
};
const BUILD_TIMEOUT = 15 * 60_000;

let gh: Emulator;
let prisma: PrismaClient;
let workDir: string;
let build: StageHandler;
let wire: StageHandler;
let host: DockerContainerHost;
let secrets: PreviewSecrets;
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
);

beforeAll(async () => {
  gh = await startGitHubEmulator();
  prisma = createPrismaClient(testServices().databaseUrl);
  workDir = await mkdtemp(join(tmpdir(), 'berth-build-wire-'));
  host = new DockerContainerHost();
  await host.ping();
  secrets = new PreviewSecrets({
    scopes: new PostgresPreviewScopes(prisma, randomBytes(32)),
    ledger: new ResourceLedger(prisma),
    rules: NO_PRODUCTION_RULES,
    prefix: 'berth/preview',
  });
  const deps = {
    source: new GitSourceRepository({ workDir }),
    // The emulator mints tokens the way the Octokit driver's installation auth would.
    github: { installationToken: async () => gh.createInstallationToken().token },
    settings,
    // The operator lets this repository read the fixture image names (and nothing else).
    composeSettings: () => ({
      allowedVariables: ['SHOP_NODE_IMAGE', 'SHOP_POSTGRES_IMAGE', 'SHOP_REDIS_IMAGE'],
    }),
    prisma,
    secrets,
  };
  build = createBuildHandler({ ...deps, containerHost: host, ledger: new ResourceLedger(prisma) });
  wire = createWireHandler(deps);
});

afterAll(async () => {
  await gh?.stop();
  await prisma?.$disconnect();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Repository + environment rows with unique ids (the test database is shared). */
async function environmentFor(
  repo: string,
  pr: { number: number; headSha: string; branch: string },
) {
  const [owner, name] = repo.split('/') as [string, string];
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
  const environment = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch: pr.branch,
      baseBranch: 'main',
    },
    include: { repository: true },
  });
  return environment;
}

async function newRevision(env: EnvironmentWithRepository, generation: number, headSha: string) {
  await prisma.environment.update({ where: { id: env.id }, data: { generation, headSha } });
  return prisma.revision.create({
    data: { environmentId: env.id, generation, headSha, configSnapshot: {} },
  });
}

function stageInput(
  stage: 'build' | 'wire',
  environment: EnvironmentWithRepository,
  revision: Revision,
): StageInput {
  return {
    job: { environmentId: environment.id, generation: revision.generation, stage },
    attempt: 1,
    environment,
    revision,
    logger: logger.child({ stage }),
    assertCurrent: async () => undefined,
  };
}

async function reload(revision: Revision) {
  return prisma.revision.findUniqueOrThrow({ where: { id: revision.id } });
}

describe('build and wire stages on examples/shop', () => {
  let env: EnvironmentWithRepository;
  let gen1: Revision;
  let images1: RevisionImages;
  let pr: Awaited<ReturnType<Emulator['openPullRequest']>>;

  beforeAll(async () => {
    await gh.createRepository({ owner: 'acme', name: 'shop', fromDirectory: 'examples/shop' });
    pr = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'feat/cart',
      title: 'Cart',
      changes: { 'web/src/cart.txt': 'cart\n' },
    });
    env = await environmentFor('acme/shop', {
      number: pr.number,
      headSha: pr.headSha,
      branch: 'feat/cart',
    });
    gen1 = await newRevision(env, 1, pr.headSha);
  });

  it(
    'builds every build: service once, then reuses every tag',
    async () => {
      const t0 = performance.now();
      const first = await build.run(stageInput('build', env, gen1));
      const firstMs = Math.round(performance.now() - t0);
      images1 = (await reload(gen1)).images as RevisionImages;
      expect(Object.keys(images1).sort()).toEqual([
        'api',
        'db',
        'migrate',
        'redis',
        'web',
        'worker',
      ]);
      expect(images1['db']).toEqual({
        tag: 'berth-fixture/postgres:15',
        source: 'image',
        durationMs: 0,
      });
      expect(images1['redis']?.source).toBe('image');
      for (const service of ['api', 'migrate', 'web', 'worker']) {
        expect(images1[service]?.tag).toMatch(
          new RegExp(`^berth/acme--shop-${service}:[0-9a-f]{64}$`),
        );
        expect(await host.imageExists(images1[service]!.tag)).toBe(true);
      }
      const labels = (await host.docker.getImage(images1['api']!.tag).inspect()).Config.Labels;
      expect(labels).toMatchObject({
        'berth.managed': 'true',
        'berth.repo': 'acme/shop',
        'berth.service': 'api',
        'berth.input-hash': images1['api']!.inputHash,
      });
      const row = await prisma.resource.findUniqueOrThrow({
        where: {
          provider_host_kind_name: {
            provider: 'docker',
            host: 'local',
            kind: 'image',
            name: images1['api']!.tag,
          },
        },
      });
      expect(row).toMatchObject({ environmentId: null });

      const t1 = performance.now();
      const second = await build.run(stageInput('build', env, gen1));
      const secondMs = Math.round(performance.now() - t1);
      expect(second.details).toMatchObject({
        built: [],
        cached: ['api', 'migrate', 'web', 'worker'],
      });
      expect((await reload(gen1)).images).toEqual(
        Object.fromEntries(
          Object.entries(images1).map(([s, i]) => [
            s,
            i.source === 'built' ? { ...i, source: 'cached', durationMs: 0 } : i,
          ]),
        ),
      );
      console.log(
        `[build] first run ${firstMs} ms ${JSON.stringify(first.details)}; second run ${secondMs} ms`,
      );
      expect(secondMs).toBeLessThan(10_000);
    },
    BUILD_TIMEOUT,
  );

  it(
    'rebuilds only api after a push that changes only api',
    async () => {
      // Unique content: a tag left by an earlier run must not make this a cache hit.
      const sha = await gh.pushToPullRequest(pr, {
        'api/src/feature-flag.txt': `${randomBytes(8).toString('hex')}\n`,
      });
      const gen2 = await newRevision(env, 2, sha);
      const t0 = performance.now();
      const outcome = await build.run(stageInput('build', env, gen2));
      const ms = Math.round(performance.now() - t0);
      console.log(`[build] api-only change ${ms} ms ${JSON.stringify(outcome.details)}`);
      expect(outcome.details).toMatchObject({
        built: ['api'],
        cached: ['migrate', 'web', 'worker'],
      });
      const images2 = (await reload(gen2)).images as RevisionImages;
      expect(images2['api']?.tag).not.toBe(images1['api']?.tag);
      for (const service of ['web', 'worker', 'migrate', 'db', 'redis']) {
        expect(images2[service]?.tag).toBe(images1[service]?.tag);
      }
      await host.removeImage(images2['api']!.tag); // unique to this run
    },
    BUILD_TIMEOUT,
  );

  it('wires public URLs and one generated database password, kept in the secret scope, reused across generations', async () => {
    const outcome = await wire.run(stageInput('wire', env, gen1));
    const stored = (await reload(gen1)).wiring as unknown as RevisionWiring;
    const domain = environmentDomain(environmentIdentity('acme/shop', pr.number), 'localhost');
    const api = `http://api.${domain}:8080`;
    const web = `http://web.${domain}:8080`;
    expect(stored.urls).toEqual({ web, api });
    expect(stored.hostnames).toEqual({ web: `web.${domain}`, api: `api.${domain}` });
    expect(stored.ports).toEqual({ web: 3000, api: 3001 });
    expect(stored.public).toBe(false);
    expect(stored.environment['web']).toMatchObject({ API_PUBLIC_URL: api, BERTH_URL_API: api });
    expect(stored.environment['api']).toMatchObject({ WEB_PUBLIC_URL: web });
    // The password lives in the environment's scope, not in the revision.
    const scope = await secrets.read(env);
    const password = scope?.['db_password'] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stored.secrets).toBeUndefined();
    expect(stored.secretRefs?.names).toEqual(['db_password']);
    const rawRevision = await prisma.$queryRaw<{ t: string }[]>`
      SELECT wiring::text AS t FROM revisions WHERE id = ${gen1.id}::uuid`;
    expect(rawRevision[0]?.t).not.toContain(password);
    const wiring = resolveSecretRefs(stored, stored.secretRefs!, scope ?? {});
    expect(wiring.environment['db']).toMatchObject({ POSTGRES_PASSWORD: password });
    for (const service of ['api', 'worker', 'migrate']) {
      expect(wiring.environment[service]?.['DATABASE_URL']).toBe(
        `postgres://shop:${password}@db:5432/shop`,
      );
    }
    expect(wiring.spec.services['web']?.image).toBeUndefined();
    expect(outcome.details).toMatchObject({ generatedSecrets: ['db_password'], reusedSecrets: [] });
    // The scope is recorded in the ledger before it exists, and created.
    const rows = await prisma.resource.findMany({
      where: { environmentId: env.id, kind: 'secret' },
    });
    expect(rows).toMatchObject([{ provider: 'secrets_local', state: 'created' }]);
    expect(rows[0]?.name).toBe(`berth/preview/acme/shop/pr-${pr.number}/g1`);

    // A later generation (and a re-run of the same one) keeps the password and the scope.
    const gen2 = await prisma.revision.findUniqueOrThrow({
      where: { environmentId_generation: { environmentId: env.id, generation: 2 } },
    });
    const again = await wire.run(stageInput('wire', env, gen2));
    expect(again.details).toMatchObject({ generatedSecrets: [], reusedSecrets: ['db_password'] });
    expect((await secrets.read(env))?.['db_password']).toBe(password);
    await wire.run(stageInput('wire', env, gen1));
    expect((await secrets.read(env))?.['db_password']).toBe(password);
    expect(await prisma.resource.count({ where: { environmentId: env.id, kind: 'secret' } })).toBe(
      1,
    );

    // Never in logs or stage details.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(password);
    expect(JSON.stringify([outcome.details, again.details])).not.toContain(password);
  });

  it('gives another PR of the same repository its own URLs and password', async () => {
    const other = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'feat/other',
      title: 'Other',
    });
    const env2 = await environmentFor('acme/shop', {
      number: other.number,
      headSha: other.headSha,
      branch: 'feat/other',
    });
    const rev = await newRevision(env2, 1, other.headSha);
    await wire.run(stageInput('wire', env2, rev));
    const theirs = (await reload(rev)).wiring as unknown as RevisionWiring;
    const domain = environmentDomain(environmentIdentity('acme/shop', other.number), 'localhost');
    expect(theirs.environment['web']?.['API_PUBLIC_URL']).toBe(`http://api.${domain}:8080`);
    const mine = (await secrets.read(env))?.['db_password'];
    expect(mine).toBeDefined();
    expect((await secrets.read(env2))?.['db_password']).not.toBe(mine);
  });
});

describe('preview:rebuild and supersession on a tiny repository', () => {
  const name = `tiny${randomBytes(3).toString('hex')}`;
  let env: EnvironmentWithRepository;
  let rev: Revision;

  beforeAll(async () => {
    const dockerfile =
      'FROM berth-fixture/debian:bookworm\nCOPY . /app\nRUN date +%s%N > /app/built-at\n';
    await gh.createRepository({
      owner: 'acme',
      name,
      files: {
        'docker-compose.yml': 'services:\n  one:\n    build: ./one\n  two:\n    build: ./two\n',
        'one/Dockerfile': dockerfile,
        'two/Dockerfile': dockerfile,
      },
    });
    const pr = await gh.openPullRequest({ repo: `acme/${name}`, branch: 'b', title: 't' });
    env = await environmentFor(`acme/${name}`, {
      number: pr.number,
      headSha: pr.headSha,
      branch: 'b',
    });
    rev = await newRevision(env, 1, pr.headSha);
  });

  afterAll(async () => {
    const images = await host.docker.listImages({
      filters: { label: [`berth.repo=acme/${name}`] },
    });
    // By id: a rebuild leaves the previous image untagged.
    for (const image of images) await host.docker.getImage(image.Id).remove({ force: true });
  });

  it('stops before building when the generation is superseded', async () => {
    const input = stageInput('build', env, rev);
    input.assertCurrent = async () => {
      throw new SupersededError(1, 2);
    };
    await expect(build.run(input)).rejects.toBeInstanceOf(SupersededError);
    const images = await host.docker.listImages({
      filters: { label: [`berth.repo=acme/${name}`] },
    });
    expect(images).toHaveLength(0);
  });

  it('builds again without the layer cache under preview:rebuild, logging build output at debug', async () => {
    await build.run(stageInput('build', env, rev));
    const first = (await reload(rev)).images as RevisionImages;
    const firstId = (await host.docker.getImage(first['one']!.tag).inspect()).Id;

    // one/ and two/ hold the same Dockerfile: one build, one image, both services run it.
    expect(first['two']?.tag).toBe(first['one']?.tag);

    const cachedRun = await build.run(stageInput('build', env, rev));
    expect(cachedRun.details).toMatchObject({
      built: [],
      cached: ['one', 'two'],
      shared: { one: ['two'] },
    });

    const rebuildRev = await prisma.revision.update({
      where: { id: rev.id },
      data: { configSnapshot: { rebuild: true } },
    });
    const rebuilt = await build.run(stageInput('build', env, rebuildRev));
    expect(rebuilt.details).toMatchObject({ built: ['one', 'two'], cached: [], rebuild: true });
    const after = (await reload(rev)).images as RevisionImages;
    expect(after['one']?.tag).toBe(first['one']?.tag);
    expect((await host.docker.getImage(first['one']!.tag).inspect()).Id).not.toBe(firstId);
    expect(
      logLines.some((l) => l.includes('"msg":"build output"') && l.includes('"level":20')),
    ).toBe(true);
  });
});

describe('compose problems', () => {
  it('fail the stage with every problem and its key path, not a crash', async () => {
    const name = `broken${randomBytes(3).toString('hex')}`;
    await gh.createRepository({
      owner: 'acme',
      name,
      files: {
        'docker-compose.yml': [
          'services:',
          '  api:',
          '    image: busybox',
          '    privileged: true',
          '    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]',
          '  web:',
          '    build: { context: ./web, args: { TOKEN: "${SHOP_TOKEN}" } }',
          'x-berth:',
          '  expose: [nope]',
          '  secrets: [token]',
          '  variables: { SHOP_TOKEN: "{{ secrets.token }}" }',
          '',
        ].join('\n'),
        'web/Dockerfile': 'FROM scratch\n',
      },
    });
    const pr = await gh.openPullRequest({ repo: `acme/${name}`, branch: 'b', title: 't' });
    const env = await environmentFor(`acme/${name}`, {
      number: pr.number,
      headSha: pr.headSha,
      branch: 'b',
    });
    const rev = await newRevision(env, 1, pr.headSha);
    const error = await build.run(stageInput('build', env, rev)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^docker-compose\.yml at [0-9a-f]{12} has \d+ problems:/);
    expect(error?.message).toContain('- services.api.privileged:');
    expect(error?.message).toMatch(/- services\.api\.volumes\[0\]/);
    expect(error?.message).toContain('- x-berth.expose[0]: unknown service `nope`');

    // Fix the file's refusals: what remains is a secret baked into a build arg.
    const fixed = await gh.pushToPullRequest(pr, {
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    build: { context: ./web, args: { TOKEN: "${SHOP_TOKEN}" } }',
        'x-berth:',
        '  expose: []',
        '  secrets: [token]',
        '  variables: { SHOP_TOKEN: "{{ secrets.token }}" }',
        '',
      ].join('\n'),
    });
    const rev2 = await newRevision(env, 2, fixed);
    await expect(build.run(stageInput('build', env, rev2))).rejects.toThrow(
      /- services\.web\.build\.args\.TOKEN: uses a generated secret/,
    );
  });
});
