// Build secrets through the build stage (issue 9, decision 0037) on a real Docker engine, the
// GitHub emulator's git server and the test database: refused until the operator allows the name
// for the repository, refused for a fork PR, read from the operator's layer when allowed, and
// masked out of the stored build log and the worker's log while the image holds only its hash.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import {
  BuildLogStore,
  createPrismaClient,
  PostgresPreviewScopes,
  type PrismaClient,
  RepositorySettingsStore,
  type Revision,
  ScopedSecretStore,
} from '@berth/db';
import { NO_PRODUCTION_RULES } from '@berth/core';
import {
  createBuildHandler,
  type EnvironmentWithRepository,
  type PreviewSettings,
  PreviewSecrets,
  ResourceLedger,
  type RevisionImages,
  type StageHandler,
  type StageInput,
} from '@berth/lifecycle';
import { DockerContainerHost, GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';
import { testServices } from '../support/test-services.js';

type Emulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

const settings: PreviewSettings = {
  BASE_DOMAIN: 'localhost',
  PREVIEW_URL_SCHEME: 'http',
  PREVIEW_URL_PORT: 8080,
};
const BUILD_TIMEOUT = 5 * 60_000;
const repo = `acme/bsec-${randomBytes(4).toString('hex')}`;
// Unique per run: the Dockerfile holds its digest, so no earlier run's image is reused.
const value = `npm-token-${randomBytes(16).toString('hex')}`;
const digest = createHash('sha256').update(value).digest('hex');

let gh: Emulator;
let prisma: PrismaClient;
let workDir: string;
let build: StageHandler;
let host: DockerContainerHost;
let repositorySettings: RepositorySettingsStore;
let layers: ScopedSecretStore;
let generation = 0;
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

const COMPOSE = `services:
  app:
    build:
      context: .
      secrets: [npm_token]
secrets:
  npm_token:
    external: true
`;
// The step checks the value by its digest, keeps the digest, and prints the value itself: the
// print is what the masking must catch.
const DOCKERFILE = `FROM berth-fixture/debian:bookworm
RUN --mount=type=secret,id=npm_token sh -c 'test "$(sha256sum < /run/secrets/npm_token)" = "${digest}  -" && sha256sum /run/secrets/npm_token > /hash && echo "the token is $(cat /run/secrets/npm_token)"'
`;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  prisma = createPrismaClient(testServices().databaseUrl);
  workDir = await mkdtemp(join(tmpdir(), 'berth-build-secrets-'));
  host = new DockerContainerHost();
  await host.ping();
  const masterKey = randomBytes(32);
  layers = new ScopedSecretStore(prisma, masterKey);
  repositorySettings = new RepositorySettingsStore(prisma);
  build = createBuildHandler({
    source: new GitSourceRepository({ workDir }),
    github: { installationToken: async () => gh.createInstallationToken().token },
    settings,
    prisma,
    containerHost: host,
    ledger: new ResourceLedger(prisma),
    repositorySettings,
    secrets: new PreviewSecrets({
      scopes: new PostgresPreviewScopes(prisma, masterKey),
      ledger: new ResourceLedger(prisma),
      layers,
      rules: NO_PRODUCTION_RULES,
      prefix: 'berth/preview',
    }),
  });
  const [owner, name] = repo.split('/') as [string, string];
  await gh.createRepository({
    owner,
    name,
    files: { 'compose.yaml': COMPOSE, Dockerfile: DOCKERFILE },
  });
});

afterAll(async () => {
  const images = await host.docker.listImages({ filters: { label: [`berth.repo=${repo}`] } });
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) await host.removeImage(tag);
  }
  await prisma?.secret.deleteMany({ where: { scope: { contains: repo } } });
  await repositorySettings?.remove(repo);
  await gh?.stop();
  await prisma?.$disconnect();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function environment(
  isFork = false,
  changes: Record<string, string> = {},
): Promise<EnvironmentWithRepository> {
  const existing = await prisma.repository.findFirst({ where: { fullName: repo } });
  const [owner, name] = repo.split('/') as [string, string];
  const repository =
    existing ??
    (await prisma.repository.create({
      data: {
        providerId: BigInt(randomInt(1, 2 ** 47)),
        fullName: repo,
        owner,
        name,
        installationId: BigInt(gh.installationId),
        cloneUrl: gh.cloneUrl(repo),
      },
    }));
  const branch = `feat/${randomBytes(3).toString('hex')}`;
  const pr = await gh.openPullRequest({
    repo,
    branch,
    title: 'x',
    changes: { 'notes.txt': `${randomBytes(4).toString('hex')}\n`, ...changes },
  });
  return prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch,
      baseBranch: 'main',
      isFork,
    },
    include: { repository: true },
  });
}

async function buildInput(env: EnvironmentWithRepository): Promise<StageInput> {
  generation += 1;
  const revision: Revision = await prisma.revision.create({
    data: { environmentId: env.id, generation, headSha: env.headSha, configSnapshot: {} },
  });
  return {
    job: { environmentId: env.id, generation, stage: 'build' },
    attempt: 1,
    environment: env,
    revision,
    logger: logger.child({ stage: 'build' }),
    assertCurrent: async () => undefined,
  };
}

describe('build secrets in the build stage', () => {
  it('refuses a build secret the operator has not allowed, naming the field and the setting', async () => {
    const env = await environment();
    const err = await build.run(await buildInput(env)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('services.app.build.secrets[0]');
    expect(message).toContain(`berth repo set ${repo} --allow-build-secret npm_token`);
    expect(message).toContain('never passes a secret as a build arg');
  });

  it('refuses an allowed name no layer sets: nothing is generated for a build', async () => {
    await repositorySettings.update(repo, { buildSecrets: ['npm_token'] });
    const env = await environment();
    await expect(build.run(await buildInput(env))).rejects.toThrow(
      /build secret npm_token has no value in any secret layer.*berth secret set/,
    );
  });

  it('refuses a fork PR unless its secret layers are allowed', async () => {
    await repositorySettings.update(repo, { buildSecrets: ['npm_token'] });
    const env = await environment(true);
    await expect(build.run(await buildInput(env))).rejects.toThrow(
      /fork pull requests do not get.*--fork-secrets/,
    );
  });

  it(
    'mounts the layer value for the step; the log holds *** and the image only its hash',
    async () => {
      await repositorySettings.update(repo, { buildSecrets: ['npm_token'] });
      const env = await environment();
      await layers.set('repository', { repository: repo, prNumber: env.prNumber }, 'npm_token', {
        value,
      });
      const input = await buildInput(env);
      const outcome = await build.run(input);
      expect(outcome.details).toMatchObject({ built: ['app'] });
      const images = (await prisma.revision.findUniqueOrThrow({ where: { id: input.revision.id } }))
        .images as RevisionImages;
      const tag = images['app']!.tag;

      const stream = await host.docker.getImage(tag).get();
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      const saved = Buffer.concat(chunks);
      expect(saved.includes(`${digest}  /run/secrets/npm_token`)).toBe(true);
      expect(saved.includes(value)).toBe(false);

      const [log] = await new BuildLogStore(prisma).ofRevision(input.revision.id);
      expect(log?.text).toContain('the token is ***');
      expect(log?.text).not.toContain(value);
      expect(logLines.join('')).toContain('the token is ***');
      expect(logLines.join('')).not.toContain(value);
    },
    BUILD_TIMEOUT,
  );

  it(
    'masks the value in the stage error of a failing build (what the PR comment shows)',
    async () => {
      await repositorySettings.update(repo, { buildSecrets: ['npm_token'] });
      const env = await environment(false, {
        Dockerfile: `FROM berth-fixture/debian:bookworm
RUN --mount=type=secret,id=npm_token sh -c 'echo "failing with $(cat /run/secrets/npm_token)"; exit 4'
`,
      });
      await layers.set('repository', { repository: repo, prNumber: env.prNumber }, 'npm_token', {
        value,
      });
      const err = await build.run(await buildInput(env)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const error = err as Error;
      expect(error.message).toContain('failing with ***');
      expect(error.message).toMatch(/exit code: 4/);
      expect(error.message).not.toContain(value);
      expect(error.cause).toBeUndefined();
    },
    BUILD_TIMEOUT,
  );
});
