import { randomBytes, randomInt } from 'node:crypto';
import {
  containerName,
  environmentIdentity,
  networkName,
  resourceLabels,
  SHARE_TOKEN_PARAM,
} from '@berth/core';
import { createPrismaClient, type PrismaClient, type Revision, type StageRun } from '@berth/db';
import { DockerContainerHost, OctokitGitHub, STICKY_COMMENT_MARKER } from '@berth/providers';
import { closeRedis, createRedis, ROUTES_CHANNEL } from '@berth/queue';

import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RevisionWiring } from '../pipeline/revision-outputs.js';
import type { EnvironmentWithRepository, StageInput } from '../pipeline/stage-handler.js';
import { createExposeHandler } from './expose-handler.js';
import { GitHubStatusReporter } from './github-status-reporter.js';
import { seedPullRequestRows } from '../commands/commands.int-support.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NODE_IMAGE = 'berth-fixture/node:24';
const TEST_LABEL = { 'berth.test': 'expose-int' };
const DB_PASSWORD = 'Gen3rated-db-pa55word-XYZ';

const suffix = randomBytes(4).toString('hex');
const repoName = `expose-${suffix}`;
const fullName = `acme/${repoName}`;
const logger = pino({ level: 'silent' });

let prisma: PrismaClient;
let gh: GitHubEmulator;
let host: DockerContainerHost;
let prNumber: number;
let headSha: string;

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl);
  host = new DockerContainerHost();
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: repoName, files: { 'README.md': '# x\n' } });
  const pr = await gh.openPullRequest({
    repo: fullName,
    branch: 'feat/x',
    title: 'X',
    changes: { 'x.txt': 'x\n' },
  });
  prNumber = pr.number;
  headSha = pr.headSha;
});

afterAll(async () => {
  // Everything this file made carries its repository label; remove by label.
  const left = await host.listByLabels({ ...TEST_LABEL, 'berth.repo': fullName });
  for (const c of left.containers) await host.removeContainer(c.name);
  for (const n of left.networks) await host.removeNetwork(n.name);
  await gh?.stop();
  await prisma?.$disconnect();
});

function wiringFor(hostnames: Record<string, string>, isPublic = false): RevisionWiring {
  return {
    spec: { services: {}, volumes: {}, berth: {} } as unknown as RevisionWiring['spec'],
    environment: { api: { DATABASE_PASSWORD: DB_PASSWORD, NODE_ENV: 'production' } },
    urls: Object.fromEntries(Object.entries(hostnames).map(([s, h]) => [s, `http://${h}:8080`])),
    hostnames,
    ports: Object.fromEntries(Object.keys(hostnames).map((s) => [s, 3000])),
    public: isPublic,
  };
}

async function environment(wiring: RevisionWiring, pr = prNumber) {
  const env = await seedPullRequestRows(prisma, gh, {
    fullName,
    number: pr,
    headSha,
    branch: 'feat/x',
    state: 'building',
    labelNotes: [
      { label: 'db:branch', message: '`db:branch` is not yet supported; using db:fresh' },
    ],
  });
  const revision = await prisma.revision.create({
    data: {
      environmentId: env.id,
      generation: 1,
      headSha,
      configSnapshot: {},
      images: {
        web: { tag: 'berth/acme--x-web:abc', source: 'cached', durationMs: 0 },
        api: { tag: 'berth/acme--x-api:def', source: 'built', durationMs: 12_000 },
      },
      wiring: wiring as unknown as object,
    },
  });
  return { env, revision };
}

async function reload(id: string): Promise<EnvironmentWithRepository> {
  return prisma.environment.findUniqueOrThrow({ where: { id }, include: { repository: true } });
}

async function runs(revision: Revision): Promise<StageRun[]> {
  return prisma.stageRun.findMany({ where: { revisionId: revision.id } });
}

describe('GitHubStatusReporter', () => {
  const github = () =>
    new OctokitGitHub({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      baseUrl: gh.url,
      writeIntervalMs: 0,
      notificationIntervalMs: 0,
      retryBaseMs: 20,
    });
  const berthComments = () =>
    gh.comments(fullName, prNumber).filter((c) => c.body.startsWith(STICKY_COMMENT_MARKER));

  it('posts one comment and edits it across started → ready → destroyed; status pending → success', async () => {
    const hostnames = { web: `web-pr-${prNumber}-${repoName}.localhost` };
    const { env, revision } = await environment(wiringFor(hostnames));
    const reporter = new GitHubStatusReporter({
      prisma,
      github: github(),
    });

    await reporter.report(await reload(env.id), revision, { kind: 'started', stage: 'build' }, []);
    const afterStart = await reload(env.id);
    expect(afterStart.commentId).not.toBeNull();
    expect(berthComments()).toHaveLength(1);
    expect(berthComments()[0]?.body).toContain('⏳ Preview building');

    for (const stage of ['build', 'wire', 'replicate', 'expose'] as const) {
      await prisma.stageRun.create({
        data: { revisionId: revision.id, stage, status: 'succeeded', attempt: 1, durationMs: 1500 },
      });
    }
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'ready' } });
    await reporter.report(await reload(env.id), revision, { kind: 'ready' }, await runs(revision));

    const comments = berthComments();
    expect(comments).toHaveLength(1);
    expect(Number(afterStart.commentId)).toBe(comments[0]?.id);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('✅ Preview ready');
    expect(body).toContain('`db:branch`');
    expect(body).toContain('Rebuilt: `api` · reused: `web`.');
    // Private, on a PR anyone may read: the plain URL and how to get in, never a credential
    // (share links are minted on demand by an operator, decision 0013).
    const link = /\| `web` \| (\S+) \|/.exec(body)?.[1] ?? '';
    expect(new URL(link).hostname).toBe(hostnames.web);
    expect(new URL(link).searchParams.has(SHARE_TOKEN_PARAM)).toBe(false);
    expect(body).not.toContain(SHARE_TOKEN_PARAM);
    expect(body).toContain(`berth share create ${fullName} ${prNumber}`);

    const statuses = gh.statuses(fullName, headSha).filter((s) => s.context === 'berth/preview');
    expect(statuses.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(statuses[1]?.targetUrl).toBe(link);
    for (const status of statuses) {
      expect(JSON.stringify(status)).not.toContain(SHARE_TOKEN_PARAM);
    }

    await prisma.environment.update({ where: { id: env.id }, data: { state: 'destroyed' } });
    await reporter.report(
      await reload(env.id),
      revision,
      { kind: 'destroyed' },
      await runs(revision),
    );
    expect(berthComments()).toHaveLength(1);
    expect(berthComments()[0]?.body).toContain('The preview was destroyed');
    expect(berthComments()[0]?.body).not.toContain(hostnames.web);
    // Destroyed touches the comment only.
    expect(
      gh.statuses(fullName, headSha).filter((s) => s.context === 'berth/preview'),
    ).toHaveLength(2);
  });

  it('failure: the comment names the stage and the error without secrets; status failure', async () => {
    const pr = await gh.openPullRequest({
      repo: fullName,
      branch: 'feat/y',
      title: 'Y',
      changes: { 'y.txt': 'y\n' },
    });
    const { env, revision } = await environment(wiringFor({}), pr.number);
    await prisma.revision.update({ where: { id: revision.id }, data: { headSha: pr.headSha } });
    const rev = await prisma.revision.findUniqueOrThrow({ where: { id: revision.id } });
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'failed' } });
    const reporter = new GitHubStatusReporter({
      prisma,
      github: github(),
    });
    const error = `service migrate exited 1: password authentication failed (password ${DB_PASSWORD})`;

    await reporter.report(
      await reload(env.id),
      rev,
      { kind: 'failed', stage: 'replicate', error },
      [],
    );

    const [comment, ...more] = gh.comments(fullName, pr.number);
    expect(more).toHaveLength(0);
    expect(comment?.body).toContain('❌ Preview failed at **replicate**');
    expect(comment?.body).toContain('service migrate exited 1');
    expect(comment?.body).not.toContain(DB_PASSWORD);
    const [status] = gh.statuses(fullName, pr.headSha);
    expect(status).toMatchObject({ state: 'failure', context: 'berth/preview' });
    expect(status?.description).toContain('replicate');
    expect(status?.description).not.toContain(DB_PASSWORD);
  });
});

describe('expose stage', () => {
  it('routes each exposed service to its container, ledgered and announced; a re-run changes nothing', async () => {
    const pr = 900 + randomInt(1, 99);
    const hostname = `web-pr-${pr}-${repoName}.localhost`;
    const { env, revision } = await environment(wiringFor({ web: hostname }), pr);
    const id = environmentIdentity(fullName, pr);
    await host.ensureNetwork({
      name: networkName(id),
      labels: { ...resourceLabels(id), ...TEST_LABEL },
    });
    await host.runContainer({
      name: containerName(id, 'web'),
      image: NODE_IMAGE,
      command: ['node', '-e', 'setInterval(() => {}, 1 << 30)'],
      labels: { ...resourceLabels(id, 'web'), ...TEST_LABEL },
      network: { name: networkName(id), aliases: ['web'] },
    });
    const ip = (await host.inspectContainer(containerName(id, 'web')))?.networks[networkName(id)];
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const subscriber = createRedis(redisUrl, 'expose-test-subscriber');
    const publisher = createRedis(redisUrl, 'expose-test-publisher');
    const messages: string[] = [];
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === ROUTES_CHANNEL && message.includes(repoName)) messages.push(message);
    });
    await subscriber.subscribe(ROUTES_CHANNEL);
    try {
      const handler = createExposeHandler({ prisma, containerHost: host, publisher });
      const input = async (rev: Revision): Promise<StageInput> => ({
        job: { environmentId: env.id, generation: 1, stage: 'expose' },
        attempt: 1,
        environment: await reload(env.id),
        revision: rev,
        logger,
        assertCurrent: async () => undefined,
      });

      const first = await handler.run(await input(revision));
      expect(first.details).toMatchObject({
        routes: [{ hostname, action: 'created' }],
        removed: [],
      });
      const route = await prisma.route.findUniqueOrThrow({ where: { hostname } });
      expect(route).toMatchObject({
        environmentId: env.id,
        service: 'web',
        targetHost: ip,
        targetPort: 3000,
        accessMode: 'private',
      });
      const ledgerRow = await prisma.resource.findUniqueOrThrow({
        where: {
          provider_host_kind_name: {
            provider: 'gateway',
            host: 'local',
            kind: 'route',
            name: hostname,
          },
        },
      });
      expect(ledgerRow).toMatchObject({
        state: 'created',
        environmentId: env.id,
        providerId: route.id,
      });
      await waitFor(() => messages.length >= 1);
      expect(messages).toEqual([hostname]);

      const second = await handler.run(await input(revision));
      expect(second.details).toMatchObject({ routes: [{ hostname, action: 'unchanged' }] });
      const routeAgain = await prisma.route.findUniqueOrThrow({ where: { hostname } });
      const ledgerAgain = await prisma.resource.findUniqueOrThrow({ where: { id: ledgerRow.id } });
      expect(routeAgain.updatedAt).toEqual(route.updatedAt);
      expect(ledgerAgain.updatedAt).toEqual(ledgerRow.updatedAt);
      expect(await prisma.route.count({ where: { environmentId: env.id } })).toBe(1);

      // The service is no longer exposed: its route goes, the ledger says deleted, gateways hear.
      const unexposed = await prisma.revision.update({
        where: { id: revision.id },
        data: { wiring: wiringFor({}) as unknown as object },
      });
      messages.length = 0;
      const third = await handler.run(await input(unexposed));
      expect(third.details).toMatchObject({ routes: [], removed: [hostname] });
      expect(await prisma.route.findUnique({ where: { hostname } })).toBeNull();
      expect(
        await prisma.resource.findUniqueOrThrow({ where: { id: ledgerRow.id } }),
      ).toMatchObject({
        state: 'deleted',
      });
      await waitFor(() => messages.length >= 1);
      expect(messages).toEqual([hostname]);
    } finally {
      await closeRedis(subscriber);
      await closeRedis(publisher);
    }
  });

  it('names the service when its container is missing', async () => {
    const pr = 800 + randomInt(1, 99);
    const { env, revision } = await environment(
      wiringFor({ api: `api-pr-${pr}-${repoName}.localhost` }),
      pr,
    );
    const handler = createExposeHandler({
      prisma,
      containerHost: host,
      publisher: { publish: async () => 0 },
    });
    await expect(
      handler.run({
        job: { environmentId: env.id, generation: 1, stage: 'expose' },
        attempt: 1,
        environment: await reload(env.id),
        revision,
        logger,
        assertCurrent: async () => undefined,
      }),
    ).rejects.toThrow(/service api has no container/);
    expect(await prisma.route.count({ where: { environmentId: env.id } })).toBe(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a routes message');
    await new Promise((r) => setTimeout(r, 20));
  }
}
