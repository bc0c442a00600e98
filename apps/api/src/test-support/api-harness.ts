// Integration-test support (not production code): the real api app on a random port against the
// test Postgres and Redis, with a queue prefix of its own, plus GitHub-shaped payload builders.
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { apiConfigSchema, loadConfig } from '@berth/config';
import type { PrismaClient } from '@berth/db';
import { openStores, type Stores } from '@berth/runtime';
import { pullRequestPayload, type PullRequestAction, sendWebhook } from '@berth/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '../http-app.js';

export const WEBHOOK_SECRET = 'whsec-api-int-test-0123456789abcdef';
export const API_TOKEN = 'api-token-int-test-0123456789abcdef0123';
export const ADMIN_TOKEN = 'admin-token-int-test-0123456789abcdef012';

export interface ApiHarness {
  url: string;
  stores: Stores;
  /** This api's QUEUE_PREFIX (its queues and rate-limit counters are its own). */
  queuePrefix: string;
  stop: () => Promise<void>;
}

/** `env` adds or (with undefined) removes variables, e.g. to run on the stored App's secret. */
export async function startApi(env: Record<string, string | undefined> = {}): Promise<ApiHarness> {
  const config = loadConfig('berth-api', apiConfigSchema, {
    DATABASE_URL:
      process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test',
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `t-api-${randomBytes(4).toString('hex')}`,
    GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    API_TOKEN,
    BERTH_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    NODE_ENV: 'test',
    ...env,
  });
  const stores = openStores(config, 'berth-api-test');
  const app: NestExpressApplication = await createApiApp(config, stores);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stores,
    queuePrefix: config.QUEUE_PREFIX,
    stop: async () => {
      await stores.queue.obliterate({ force: true }).catch(() => undefined);
      await app.close();
      await stores.close();
    },
  };
}

export const sha = () => randomBytes(20).toString('hex');

/** A repository no other test file uses (the test database is shared by the whole run). */
export function makeRepository() {
  const id = randomInt(1_000_000_000, 2_000_000_000);
  const owner = `acme-${id.toString(36)}`;
  return {
    id,
    name: 'shop',
    full_name: `${owner}/shop`,
    owner: { login: owner, id: id + 1, type: 'Organization' },
    fork: false,
    clone_url: `http://127.0.0.1:9/${owner}/shop.git`,
    default_branch: 'main',
  };
}
export type RepositoryJson = ReturnType<typeof makeRepository>;

export interface PrState {
  repository: RepositoryJson;
  number: number;
  headSha: string;
  labels: string[];
  fork?: boolean;
  state?: 'open' | 'closed';
  merged?: boolean;
  /** `pull_request.updated_at`; by default each payload is one second after the last. */
  updatedAt?: string;
}

// GitHub's clock has whole seconds; a shared one keeps every built payload in order.
let clock = Math.floor(Date.now() / 1000);
function nextUpdatedAt(): string {
  clock += 1;
  return new Date(clock * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `pull_request` payload in GitHub's shape for this PR state. */
export function prPayload(
  pr: PrState,
  action: PullRequestAction,
  extra: { label?: string; before?: string; sender?: string } = {},
) {
  const repo = pr.repository;
  const headRepo = pr.fork
    ? { ...repo, id: repo.id + 1, full_name: `contributor/shop`, fork: true }
    : repo;
  return pullRequestPayload({
    action,
    pullRequest: {
      number: pr.number,
      state: pr.state ?? 'open',
      merged: pr.merged ?? false,
      updated_at: pr.updatedAt ?? nextUpdatedAt(),
      title: `PR ${pr.number}`,
      head: { ref: `feat-${pr.number}`, sha: pr.headSha, repo: headRepo },
      base: { ref: 'main', sha: '0'.repeat(40), repo },
      labels: pr.labels.map((name, i) => ({ id: i + 1, name })),
    },
    repository: repo,
    installationId: 4242,
    sender: { login: extra.sender ?? 'octocat' },
    ...(extra.label ? { label: { name: extra.label } } : {}),
    ...(action === 'synchronize' ? { before: extra.before ?? sha(), after: pr.headSha } : {}),
    ...(action === 'edited' ? { changes: { title: { from: 'old' } } } : {}),
  });
}

export function webhook(url: string, event: string, payload: unknown, deliveryId?: string) {
  return sendWebhook({
    url: `${url}/webhooks/github`,
    secret: WEBHOOK_SECRET,
    event,
    payload,
    ...(deliveryId ? { deliveryId } : {}),
  });
}

/** The repository row of an emulated repository, as the webhook path would have stored it. */
export function seedRepositoryRow(prisma: PrismaClient, repository: RepositoryJson) {
  return prisma.repository.create({
    data: {
      providerId: BigInt(repository.id),
      fullName: repository.full_name,
      owner: repository.owner.login,
      name: repository.name,
      installationId: 1n,
      cloneUrl: repository.clone_url,
    },
  });
}

/** A ready environment of `repository`'s PR `prNumber` on `dockerHost`, at a new head SHA. */
export async function seedReadyEnvironment(
  prisma: PrismaClient,
  repository: RepositoryJson,
  options: { prNumber: number; dockerHost: string },
) {
  const repo = await seedRepositoryRow(prisma, repository);
  const headSha = sha();
  const env = await prisma.environment.create({
    data: {
      repositoryId: repo.id,
      prNumber: options.prNumber,
      headSha,
      branch: `feat-${options.prNumber}`,
      baseBranch: 'main',
      state: 'ready',
      dockerHost: options.dockerHost,
    },
  });
  return { env, headSha };
}
