// `x-berth.tests.build` through the whole control plane (issue 8 §4): the repository's own
// `e2e/Dockerfile` is built by the build stage like a service (content-hash tag, reused while
// `e2e/` is unchanged), the E2E gate runs it on the preview's network, and `Berth / e2e` goes
// green for a passing suite and red for a failing one. A Dockerfile that does not build fails the
// build stage, naming `x-berth.tests.build`.
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import { type ControlPlane, oneServiceCompose, type PullRecord, waitFor } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { commentMatching, startPlane, stopPlane, uniqueRepoName } from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
let plane: ControlPlane;
let prisma: PrismaClient;
let pr: PullRecord;

/** The tests: the preview's web answers on its own network, as the gate hands it over. */
const check = (exitCode: number) =>
  `fetch(process.env.BERTH_URL_WEB).then((r) => { console.log('web answered', r.status); process.exit(r.ok ? ${exitCode} : 2); }, (e) => { console.error(e.message); process.exit(2); });\n`;

const FILES = {
  'docker-compose.yml': `${oneServiceCompose()}  tests:\n    build: ./e2e\n    command: [node, /suite/check.js]\n    timeout: 60s\n`,
  'e2e/Dockerfile': 'FROM berth-fixture/node:24\nCOPY check.js /suite/check.js\n',
  'e2e/check.js': check(0),
};

beforeAll(async () => {
  prisma = createPrismaClient(testServices().databaseUrl);
  plane = await startPlane(root);
  await plane.github.createRepository({ owner, name, files: FILES });
}, 120_000);

afterAll(async () => {
  await stopPlane(plane, repository, pr ? [pr] : []);
  await prisma?.$disconnect();
}, 180_000);

/** The finished `Berth / e2e` check run on a commit. */
function e2eCheck(sha: string) {
  return waitFor(
    `Berth / e2e on ${sha.slice(0, 7)} to finish`,
    async () =>
      plane.github
        .checkRuns(repository, sha)
        .find((r) => r.name === 'Berth / e2e' && r.status === 'completed'),
    120_000,
    250,
  );
}

/** The tests image the build stage recorded on a generation's revision. */
async function testsImage(generation: number) {
  const revision = await prisma.revision.findFirstOrThrow({
    where: {
      environment: { repository: { fullName: repository }, prNumber: pr.number },
      generation,
    },
  });
  return (revision.images as Record<string, { tag: string; source: string }>)['x-berth.tests'];
}

describe('x-berth.tests.build', { timeout: 600_000 }, () => {
  it('builds the tests image beside the services and turns Berth / e2e green', async () => {
    pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/e2e',
      title: 'tests from the repository',
      changes: { 'NOTES.md': 'one\n' },
    });
    await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 240_000 });
    const image = await testsImage(1);
    expect(image).toMatchObject({ source: 'built' });
    expect(image?.tag).toMatch(/^berth\/acme--.*-x-berth-tests-[0-9a-f]{6}:[0-9a-f]+$/);
    const run = await e2eCheck(pr.headSha);
    expect(run.conclusion).toBe('success');
    expect(run.output?.summary).toContain(image?.tag);
  });

  it('reuses the tests image when a push leaves e2e/ alone', async () => {
    const first = await testsImage(1);
    await plane.github.pushToPullRequest(pr, { 'NOTES.md': 'two\n' });
    await plane.waitForState(repository, pr.number, 'ready', { generation: 2 });
    expect(await testsImage(2)).toEqual({ ...first, source: 'cached', durationMs: 0 });
    expect((await e2eCheck(pr.headSha)).conclusion).toBe('success');
  });

  it('rebuilds it when e2e/ changes, and a failing suite turns Berth / e2e red', async () => {
    const before = await testsImage(2);
    await plane.github.pushToPullRequest(pr, { 'e2e/check.js': check(4) });
    await plane.waitForState(repository, pr.number, 'ready', { generation: 3 });
    const after = await testsImage(3);
    expect(after).toMatchObject({ source: 'built' });
    expect(after?.tag).not.toBe(before?.tag);
    const run = await e2eCheck(pr.headSha);
    expect(run.conclusion).toBe('failure');
    expect(run.output?.text ?? '').toContain('web answered 200');
  });

  it('fails the build stage naming x-berth.tests.build when the tests image does not build', async () => {
    await plane.github.pushToPullRequest(pr, {
      'e2e/Dockerfile': 'FROM berth-fixture/node:24\nRUN exit 7\n',
    });
    await plane.waitForState(repository, pr.number, 'failed', { generation: 4 });
    const comment = await commentMatching(plane, repository, pr.number, /Preview failed/);
    expect(comment).toContain('the tests image (`x-berth.tests.build`)');
  });
});
