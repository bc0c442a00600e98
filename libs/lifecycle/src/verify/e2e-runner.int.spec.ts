// The E2E gate on the real engine and the GitHub emulator (through the real Octokit driver): a
// test container on the preview's own network reaches its service by name; exit 0 makes
// `Berth / e2e` green, a failure red with the (masked) log tail and the preview left alone; a
// new push cancels a running test; a retried job reuses its check run.
import { randomBytes } from 'node:crypto';
import {
  type ComposeSpec,
  environmentIdentity,
  networkName,
  resourceLabels,
  type RevisionWiring,
} from '@berth/core';
import { createPrismaClient } from '@berth/db';
import { DockerContainerHost, OctokitGitHub } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eDelivery } from './e2e-delivery.js';
import { E2eRunner, type E2eRunInput } from './e2e-runner.js';
import { seedPullRequestRows } from '../commands/commands.int-support.js';

const NODE_IMAGE = 'berth-fixture/node:24';
const PASSWORD = 'E2e-db-pa55word-never-shown';
const repoName = `e2e-${randomBytes(4).toString('hex')}`;
const fullName = `acme/${repoName}`;
const pr = 7;
const id = environmentIdentity(fullName, pr);
const host = new DockerContainerHost();
const environmentId = '2b1c1a64-8a0e-4b5e-9d3e-0e2e2e2e2e01';
let gh: GitHubEmulator;
let headSha: string;
let generation = 1;
const state = 'ready';

const webContainer = `berth-e2e-spec-${randomBytes(3).toString('hex')}-web`;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: repoName, files: { 'README.md': '# x\n' } });
  const opened = await gh.openPullRequest({
    repo: fullName,
    branch: 'feat/e2e',
    title: 'e2e',
    changes: { 'x.txt': 'x' },
  });
  headSha = opened.headSha;
  await host.ensureNetwork({ name: networkName(id), labels: resourceLabels(id) });
  // The preview's one service: answers "shop ok" on :3000 under its compose name `web`.
  await host.runContainer({
    name: webContainer,
    image: NODE_IMAGE,
    command: [
      'node',
      '-e',
      "require('http').createServer((q, s) => s.end('shop ok')).listen(3000)",
    ],
    labels: resourceLabels(id, 'web'),
    network: { name: networkName(id), aliases: ['web'] },
  });
}, 120_000);

afterAll(async () => {
  const left = await host.listByLabels(resourceLabels(id));
  for (const c of left.containers) await host.removeContainer(c.name);
  await host.removeNetwork(networkName(id)).catch(() => undefined);
  await gh?.stop();
});

function runner() {
  const github = new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
  });
  return new E2eRunner({
    host,
    github,
    current: async () => ({ generation, state }),
    credential: async () => 'berth-e2e-credential-0123456789',
    limits: { memoryBytes: 256 * 1024 * 1024, cpus: 1, pids: 128 },
    pollMs: 200,
  });
}

const spec = { services: { web: { networks: ['default'] } } } as unknown as ComposeSpec;
const wiring: Pick<RevisionWiring, 'spec' | 'urls' | 'ports'> = {
  spec,
  urls: { web: 'http://web.pr-7-x.localhost:8080' },
  ports: { web: 3000 },
};

function input(script: string, gen = generation, timeoutSeconds = 60): E2eRunInput {
  return {
    environmentId,
    repository: { installationId: gh.installationId, owner: 'acme', repo: repoName, fullName },
    prNumber: pr,
    slot: 0,
    generation: gen,
    headSha,
    tests: { image: NODE_IMAGE, command: ['node', '-e', script], timeoutSeconds, environment: {} },
    image: NODE_IMAGE,
    wiring,
    secrets: [PASSWORD],
  };
}

const checks = () => gh.checkRuns(fullName, headSha).filter((r) => r.name === 'Berth / e2e');

describe('E2E gate', () => {
  it('makes Berth / e2e green when the tests pass against the preview', async () => {
    const outcome = await runner().run(
      input(
        "fetch(process.env.BERTH_URL_WEB).then(r => r.text()).then(t => { console.log('got', t, !!process.env.BERTH_ACCESS_TOKEN); process.exit(t === 'shop ok' ? 0 : 1); })",
      ),
    );
    expect(outcome.kind).toBe('passed');
    const [check] = checks();
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(check?.output.text).toContain('got shop ok true');
    expect(check?.output.text).not.toContain('berth-e2e-credential-0123456789');
    // Nothing left running.
    const left = await host.listByLabels({
      'berth.service': 'e2e',
      'berth.env': `${fullName}#${pr}`,
    });
    expect(left.containers).toEqual([]);
  }, 120_000);

  it('makes it red on failure, with the masked log tail, and leaves the preview up', async () => {
    generation = 2;
    const outcome = await runner().run(
      input(
        `console.log('db url postgres://shop:${PASSWORD}@db/shop'); console.log('token', process.env.BERTH_ACCESS_TOKEN); console.error('expected 201, got 500'); process.exit(3)`,
      ),
    );
    expect(outcome).toMatchObject({ kind: 'failed', exitCode: 3 });
    const check = checks().find((r) => r.externalId === `e2e:${environmentId}:2`);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check?.output.title).toContain('exit 3');
    expect(check?.output.text).toContain('expected 201, got 500');
    expect(JSON.stringify(check)).not.toContain(PASSWORD);
    expect(JSON.stringify(check)).not.toContain('berth-e2e-credential-0123456789');
    expect(check?.output.text).toContain('***');
    expect((await host.inspectContainer(webContainer))?.running).toBe(true);
  }, 120_000);

  it('cancels a running test when a newer head is pushed', async () => {
    generation = 3;
    const run = runner().run(input('setTimeout(() => process.exit(0), 60_000)', 3));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    generation = 4;
    const outcome = await run;
    expect(outcome).toMatchObject({ kind: 'cancelled' });
    const check = checks().find((r) => r.externalId === `e2e:${environmentId}:3`);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
  }, 120_000);

  it('stops a test at its timeout and reuses the check run when the job runs again', async () => {
    generation = 5;
    // 3 s: the runner takes the spec's number as given (the 30 s floor is the parser's).
    const outcome = await runner().run(input('setTimeout(() => {}, 600_000)', 5, 3));
    expect(outcome).toMatchObject({ kind: 'timed-out', timeoutSeconds: 3 });
    await runner().run(input('process.exit(0)', 5));
    const runs = checks().filter((r) => r.externalId === `e2e:${environmentId}:5`);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ conclusion: 'success' });
  }, 120_000);
});

describe('the e2e job', () => {
  it('runs the tests of the generation that became ready; skips one that moved on or has none', async () => {
    const databaseUrl =
      process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
    const prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
    try {
      const env = await seedPullRequestRows(prisma, gh, {
        fullName,
        number: pr,
        headSha,
        branch: 'feat/e2e',
        state: 'ready',
        generation: 1,
      });
      const tests = { image: NODE_IMAGE, command: ['node', '-e', 'process.exit(0)'] };
      const wiringOf = (withTests: boolean) => ({
        spec: {
          services: { web: { networks: ['default'] } },
          berth: withTests ? { tests: { ...tests, timeoutSeconds: 60, environment: {} } } : {},
        },
        urls: wiring.urls,
        hostnames: {},
        environment: {},
        ports: wiring.ports,
        public: false,
      });
      for (const [gen, withTests] of [
        [1, true],
        [2, false],
      ] as const) {
        await prisma.revision.create({
          data: {
            environmentId: env.id,
            generation: gen,
            headSha,
            configSnapshot: {},
            wiring: wiringOf(withTests),
          },
        });
      }
      generation = 1;
      const delivery = new E2eDelivery({ prisma, runner: runner(), secrets: async () => [] });
      const job = (gen: number) => ({ eventId: '1', environmentId: env.id, generation: gen });
      expect(await delivery.deliver(job(1))).toBe('passed');
      const check = checks().find((r) => r.externalId === `e2e:${env.id}:1`);
      expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
      // A newer generation is the only one whose tests run; this one has none.
      await prisma.environment.update({ where: { id: env.id }, data: { generation: 2 } });
      expect(await delivery.deliver(job(1))).toBe('superseded');
      expect(await delivery.deliver(job(2))).toBe('no-tests');
      expect(checks().filter((r) => r.externalId === `e2e:${env.id}:2`)).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  }, 120_000);
});
