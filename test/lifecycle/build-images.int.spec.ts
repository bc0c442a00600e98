// The build stage getting images, on a real Docker engine, the loopback registries
// (scripts/bootstrap/registry.sh), the GitHub emulator's git server and the test database:
// an `image:` service is pulled from a registry; a refused password and a build that never ends
// fail the stage permanently with a message naming the service and the fix.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { parseRegistryAuth, type RegistryAuth } from '@berth/core';
import { createPrismaClient, type PrismaClient, type Revision } from '@berth/db';
import {
  createBuildHandler,
  type EnvironmentWithRepository,
  PermanentStageError,
  ResourceLedger,
  type RevisionImages,
  type StageHandler,
  type StageInput,
} from '@berth/lifecycle';
import { DockerContainerHost, GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';
import { testServices } from '../support/test-services.js';

type Emulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

const BASE_IMAGE = 'berth-fixture/debian:bookworm';
const id = randomBytes(3).toString('hex');
const logger = pino({ level: 'silent' });
let gh: Emulator;
let prisma: PrismaClient;
let workDir: string;
let host: DockerContainerHost;
let openRegistry: string;
let privateRegistry: string;
let auth: RegistryAuth;
const made: string[] = [];

beforeAll(async () => {
  openRegistry = process.env['BERTH_REGISTRY'] ?? '';
  privateRegistry = process.env['BERTH_PRIVATE_REGISTRY'] ?? '';
  const authFile = process.env['BERTH_PRIVATE_REGISTRY_AUTH_FILE'] ?? '';
  if (!openRegistry || !privateRegistry || !authFile) {
    throw new Error('the test registries are not set up: source scripts/bootstrap/all.sh');
  }
  auth = parseRegistryAuth(await readFile(authFile, 'utf8'), authFile);
  gh = await startGitHubEmulator();
  prisma = createPrismaClient(testServices().databaseUrl);
  workDir = await mkdtemp(join(tmpdir(), 'berth-build-images-'));
  host = new DockerContainerHost();
  await host.ping();
});

afterAll(async () => {
  for (const ref of made) await host.removeImage(ref);
  await gh?.stop();
  await prisma?.$disconnect();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function buildStage(containerHost: DockerContainerHost): StageHandler {
  return createBuildHandler({
    source: new GitSourceRepository({ workDir }),
    github: { installationToken: async () => gh.createInstallationToken().token },
    settings: { BASE_DOMAIN: 'localhost', PREVIEW_URL_SCHEME: 'http' },
    composeSettings: () => ({}),
    prisma,
    containerHost,
    ledger: new ResourceLedger(prisma),
  });
}

/** Pushes the base image as `ref`, then removes the tag: using `ref` means pulling it. */
async function pushThenForget(ref: string): Promise<void> {
  const registry = ref.split('/')[0]!;
  const credential = auth.get(registry);
  const colon = ref.lastIndexOf(':');
  await host.docker
    .getImage(BASE_IMAGE)
    .tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  // The engine wants an X-Registry-Auth header on every push, if only an empty one.
  const stream = await host.docker.getImage(ref).push({
    authconfig: credential
      ? { ...credential, serveraddress: registry }
      : { serveraddress: registry },
  });
  await new Promise<void>((resolve, reject) =>
    host.docker.modem.followProgress(stream, (err: Error | null, events: { error?: string }[]) =>
      err || events.some((e) => e.error)
        ? reject(err ?? new Error(JSON.stringify(events)))
        : resolve(),
    ),
  );
  await host.docker.getImage(ref).remove();
  made.push(ref);
}

/** A repository with these files, an open PR and its environment and first revision. */
async function pullRequest(
  files: Record<string, string>,
): Promise<{ environment: EnvironmentWithRepository; revision: Revision }> {
  const name = `img${id}${randomBytes(2).toString('hex')}`;
  await gh.createRepository({ owner: 'acme', name, files });
  const pr = await gh.openPullRequest({ repo: `acme/${name}`, branch: 'b', title: 't' });
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/${name}`,
      owner: 'acme',
      name,
      installationId: BigInt(gh.installationId),
      cloneUrl: gh.cloneUrl(`acme/${name}`),
    },
  });
  const environment = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch: 'b',
      baseBranch: 'main',
      generation: 1,
    },
    include: { repository: true },
  });
  const revision = await prisma.revision.create({
    data: { environmentId: environment.id, generation: 1, headSha: pr.headSha, configSnapshot: {} },
  });
  return { environment, revision };
}

function input(environment: EnvironmentWithRepository, revision: Revision): StageInput {
  return {
    job: { environmentId: environment.id, generation: 1, stage: 'build' },
    attempt: 1,
    environment,
    revision,
    logger,
    assertCurrent: async () => undefined,
  };
}

describe('build stage images', () => {
  it('pulls an image: service from its registry and records it', async () => {
    const image = `${openRegistry}/berth-it/${id}-api:v1`;
    await pushThenForget(image);
    const { environment, revision } = await pullRequest({
      'compose.yaml': `services:\n  api:\n    image: ${image}\n  cache:\n    image: ${image}\n`,
    });
    const outcome = await buildStage(host).run(input(environment, revision));
    expect(outcome.details?.['pulled']).toEqual(['api', 'cache']);
    const images = (await prisma.revision.findUniqueOrThrow({ where: { id: revision.id } }))
      .images as RevisionImages;
    expect(images['api']).toMatchObject({ tag: image, source: 'image' });
    expect(await host.imageExists(image)).toBe(true);
  });

  it('fails permanently on a refused registry password, naming the service, image and fix', async () => {
    const image = `${privateRegistry}/berth-it/${id}-private:v1`;
    await pushThenForget(image);
    const user = auth.get(privateRegistry)?.username ?? 'nobody';
    const wrong = new DockerContainerHost({
      registryAuth: parseRegistryAuth(
        JSON.stringify({ auths: { [privateRegistry]: { username: user, password: 'bad-pass' } } }),
        'test',
      ),
    });
    const { environment, revision } = await pullRequest({
      'compose.yaml': `services:\n  api:\n    image: ${image}\n`,
    });
    const error = await buildStage(wrong)
      .run(input(environment, revision))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^service \`api\`: cannot pull ${image.replace(/[.]/g, '\\.')}: the credentials for ` +
          `${privateRegistry.replace(/[.]/g, '\\.')} in the operator's REGISTRY_AUTH_FILE were ` +
          'refused: fix the username or password there',
      ),
    );
    expect((error as Error).message).not.toContain('bad-pass');
  });

  it('stops a build that never ends at BUILD_TIMEOUT_S and fails permanently', async () => {
    const impatient = new DockerContainerHost({ buildLimits: { timeoutMs: 5_000 } });
    const { environment, revision } = await pullRequest({
      'compose.yaml': 'services:\n  app:\n    build: .\n',
      Dockerfile: `FROM ${BASE_IMAGE}\nRUN sleep infinity\n`,
    });
    const started = Date.now();
    const error = await buildStage(impatient)
      .run(input(environment, revision))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toMatch(
      /^service `app`: Building \S+ failed at Step \d+\/\d+ : RUN sleep infinity: the build did not finish within 5 s and was stopped \(the operator's BUILD_TIMEOUT_S\)/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
