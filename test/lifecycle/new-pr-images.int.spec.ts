// Stage 2 for a new pull request, on a real Docker engine and the GitHub emulator's git server:
// PR #1 builds every service and is merged; PR #2, opened afterwards and changing one service,
// runs the images already there for the others (no build) and builds the changed one on the
// engine's layer cache. Images whose inputs equal the base branch's are marked as base images.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createPrismaClient, type PrismaClient, type Revision } from '@berth/db';
import {
  createBuildHandler,
  type EnvironmentWithRepository,
  ResourceLedger,
  type RevisionImages,
  type StageHandler,
  type StageInput,
} from '@berth/lifecycle';
import { DockerContainerHost, GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';
import { testServices } from '../support/test-services.js';

type Emulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

const BUILD_TIMEOUT = 10 * 60_000;
const name = `newpr${randomBytes(3).toString('hex')}`;
const repo = `acme/${name}`;
// The RUN step writes the time: a step that ran again makes a different layer.
const dockerfile = 'FROM berth-fixture/debian:bookworm\nRUN date +%s%N > /built-at\nCOPY . /app\n';

let gh: Emulator;
let prisma: PrismaClient;
let workDir: string;
let build: StageHandler;
let host: DockerContainerHost;
/** What `berth repo set --base-branch` would say; undefined: the repository's default branch. */
let baseBranch: string | undefined;
const logger = pino(
  { level: 'info' },
  new Writable({
    write(_chunk: Buffer, _enc, done) {
      done();
    },
  }),
);

beforeAll(async () => {
  gh = await startGitHubEmulator();
  prisma = createPrismaClient(testServices().databaseUrl);
  workDir = await mkdtemp(join(tmpdir(), 'berth-new-pr-'));
  host = new DockerContainerHost();
  await host.ping();
  build = createBuildHandler({
    source: new GitSourceRepository({ workDir }),
    github: { installationToken: async () => gh.createInstallationToken().token },
    settings: { BASE_DOMAIN: 'localhost', PREVIEW_URL_SCHEME: 'http', PREVIEW_URL_PORT: 8080 },
    composeSettings: () => (baseBranch === undefined ? {} : { baseBranch }),
    prisma,
    containerHost: host,
    ledger: new ResourceLedger(prisma),
  });
  await gh.createRepository({
    owner: 'acme',
    name,
    files: {
      'docker-compose.yml':
        'services:\n  one:\n    build: ./one\n  two:\n    build: ./two\n  three:\n    build: ./three\n',
      'one/Dockerfile': dockerfile,
      'one/name.txt': 'one\n',
      'two/Dockerfile': dockerfile,
      'two/name.txt': 'two\n',
      'three/Dockerfile': dockerfile,
      'three/name.txt': 'three\n',
    },
  });
});

afterAll(async () => {
  if (host) {
    const images = await host.docker.listImages({ filters: { label: [`berth.repo=${repo}`] } });
    for (const image of images) {
      await host.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
  await gh?.stop();
  await prisma?.$disconnect();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

let repositoryId: string | undefined;

/** The environment and its first revision, as the trigger stage would have written them. */
async function openedPullRequest(pr: { number: number; headSha: string; branch: string }) {
  const [owner, repoName] = repo.split('/') as [string, string];
  repositoryId ??= (
    await prisma.repository.create({
      data: {
        providerId: BigInt(randomInt(1, 2 ** 47)),
        fullName: repo,
        owner,
        name: repoName,
        installationId: BigInt(gh.installationId),
        cloneUrl: gh.cloneUrl(repo),
      },
    })
  ).id;
  const environment = await prisma.environment.create({
    data: {
      repositoryId,
      prNumber: pr.number,
      headSha: pr.headSha,
      branch: pr.branch,
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

function stageInput(environment: EnvironmentWithRepository, revision: Revision): StageInput {
  return {
    job: { environmentId: environment.id, generation: revision.generation, stage: 'build' },
    attempt: 1,
    environment,
    revision,
    logger,
    assertCurrent: async () => undefined,
  };
}

async function imagesOf(revision: Revision): Promise<RevisionImages> {
  return (await prisma.revision.findUniqueOrThrow({ where: { id: revision.id } }))
    .images as RevisionImages;
}

const inspect = (tag: string) => host.docker.getImage(tag).inspect();

async function ledgerRow(tag: string) {
  return prisma.resource.findUniqueOrThrow({
    where: {
      provider_host_kind_name: { provider: 'docker', host: 'local', kind: 'image', name: tag },
    },
  });
}

describe('a new pull request after the base branch has images', () => {
  let images1: RevisionImages;
  let mainTip = '';

  it(
    'PR #1 builds every service and marks the ones equal to the base branch as base images',
    async () => {
      const pr = await gh.openPullRequest({
        repo,
        branch: 'feat/one',
        title: 'One',
        changes: { 'one/feature.txt': `${randomBytes(8).toString('hex')}\n` },
      });
      const { environment, revision } = await openedPullRequest({ ...pr, branch: 'feat/one' });
      const outcome = await build.run(stageInput(environment, revision));
      expect(outcome.details).toMatchObject({
        built: ['one', 'three', 'two'],
        cached: [],
        base: { branch: 'main', services: ['three', 'two'] },
      });
      images1 = await imagesOf(revision);
      expect((await inspect(images1['two']!.tag)).Config.Labels).toMatchObject({
        'berth.base': 'true',
        'berth.base-branch': 'main',
      });
      expect((await inspect(images1['one']!.tag)).Config.Labels?.['berth.base']).toBeUndefined();
      expect((await ledgerRow(images1['two']!.tag)).metadata).toMatchObject({
        base: { branch: 'main' },
      });
      expect((await ledgerRow(images1['one']!.tag)).metadata).not.toHaveProperty('base');

      // Merged: PR #1's `one` is now the base branch's too.
      await gh.closePullRequest(pr, { merged: true, emit: false });
      mainTip = pr.mergeCommitSha ?? '';
      expect(mainTip).toMatch(/^[0-9a-f]{40}$/);
    },
    BUILD_TIMEOUT,
  );

  it(
    'PR #2, changing only two, builds two on the layer cache and reuses one and three without a build',
    async () => {
      const pr = await gh.openPullRequest({
        repo,
        branch: 'feat/two',
        title: 'Two',
        changes: { 'two/change.txt': `${randomBytes(8).toString('hex')}\n` },
      });
      const { environment, revision } = await openedPullRequest({ ...pr, branch: 'feat/two' });
      const outcome = await build.run(stageInput(environment, revision));
      expect(outcome.details).toMatchObject({
        built: ['two'],
        cached: ['one', 'three'],
        durations: { two: expect.any(Number) },
        base: { branch: 'main', sha: mainTip, services: ['one', 'three'] },
      });
      expect(Object.keys((outcome.details as { durations: object }).durations)).toEqual(['two']);

      const images2 = await imagesOf(revision);
      for (const service of ['one', 'three']) {
        expect(images2[service]).toMatchObject({ tag: images1[service]!.tag, source: 'cached' });
        // The very image PR #1 built: same id, nothing rebuilt.
        expect((await inspect(images2[service]!.tag)).Id).toBe(
          (await inspect(images1[service]!.tag)).Id,
        );
      }
      expect(images2['two']).toMatchObject({ source: 'built' });
      expect(images2['two']!.tag).not.toBe(images1['two']!.tag);

      // Layer cache: every layer below the changed COPY is PR #1's, so the RUN step (which
      // writes the time) did not run again; only the last layer is new.
      const before = (await inspect(images1['two']!.tag)).RootFS.Layers ?? [];
      const after = (await inspect(images2['two']!.tag)).RootFS.Layers ?? [];
      expect(after).toHaveLength(before.length);
      expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
      expect(after.at(-1)).not.toBe(before.at(-1));

      // The changed service's image is not a base image; `one` became one with the merge
      // (recorded in the ledger: an existing image's labels cannot change).
      expect((await inspect(images2['two']!.tag)).Config.Labels?.['berth.base']).toBeUndefined();
      expect((await ledgerRow(images2['two']!.tag)).metadata).not.toHaveProperty('base');
      expect((await ledgerRow(images1['one']!.tag)).metadata).toMatchObject({
        base: { branch: 'main', sha: mainTip },
      });
    },
    BUILD_TIMEOUT,
  );

  it('a configured base branch that does not exist marks nothing and builds as usual', async () => {
    baseBranch = 'release/none';
    try {
      const pr = await gh.openPullRequest({
        repo,
        branch: 'feat/three',
        title: 'Three',
        changes: { 'README.md': 'three\n' },
      });
      const { environment, revision } = await openedPullRequest({ ...pr, branch: 'feat/three' });
      const outcome = await build.run(stageInput(environment, revision));
      expect(outcome.details).toMatchObject({
        built: [],
        cached: ['one', 'three', 'two'],
        base: null,
      });
      // Reused without a base comparison, the images keep their base mark.
      for (const service of ['one', 'three']) {
        expect((await ledgerRow(images1[service]!.tag)).metadata).toMatchObject({
          base: { branch: 'main', sha: mainTip },
        });
      }
    } finally {
      baseBranch = undefined;
    }
  });

  it(
    'after a preview:rebuild, a changed service builds on its own previous layers, not a sibling copy',
    async () => {
      // one, two and three share FROM + RUN: rebuilt without cache they leave three copies of
      // the RUN layer, and the engine's own choice would be the newest (not one's).
      const pr = await gh.openPullRequest({
        repo,
        branch: 'feat/rebuild',
        title: 'Rebuild',
        changes: { 'README.md': 'rebuild\n' },
      });
      const { environment, revision } = await openedPullRequest({ ...pr, branch: 'feat/rebuild' });
      const rebuildRev = await prisma.revision.update({
        where: { id: revision.id },
        data: { configSnapshot: { rebuild: true } },
      });
      const rebuilt = await build.run(stageInput(environment, rebuildRev));
      expect(rebuilt.details).toMatchObject({ built: ['one', 'three', 'two'], rebuild: true });
      const rebuiltImages = await imagesOf(revision);

      const sha = await gh.pushToPullRequest(pr, {
        'one/change.txt': `${randomBytes(8).toString('hex')}\n`,
      });
      await prisma.environment.update({
        where: { id: environment.id },
        data: { generation: 2, headSha: sha },
      });
      const gen2 = await prisma.revision.create({
        data: { environmentId: environment.id, generation: 2, headSha: sha, configSnapshot: {} },
      });
      const outcome = await build.run(stageInput(environment, gen2));
      expect(outcome.details).toMatchObject({ built: ['one'], cached: ['three', 'two'] });
      const before = (await inspect(rebuiltImages['one']!.tag)).RootFS.Layers ?? [];
      const after = (await inspect((await imagesOf(gen2))['one']!.tag)).RootFS.Layers ?? [];
      expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
      expect(after.at(-1)).not.toBe(before.at(-1));
    },
    BUILD_TIMEOUT,
  );
});
