import { CheckRunStore, ServiceStatusStore } from '@berth/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_TOKEN,
  type ApiHarness,
  makeRepository,
  sha,
  startApi,
} from '../test-support/api-harness.js';

let api: ApiHarness;
const repository = makeRepository();
let environmentId: string;
const auth = { Authorization: `Bearer ${API_TOKEN}` };
const DB_PASSWORD = 'generated-db-password-never-shown';

beforeAll(async () => {
  api = await startApi();
  // The api only stores webhooks; the worker's trigger creates environments. Seed the rows it
  // would write (repository, two PRs, generation 1) directly.
  const { prisma } = api.stores;
  const repo = await prisma.repository.create({
    data: {
      providerId: BigInt(repository.id),
      fullName: repository.full_name,
      owner: repository.owner.login,
      name: repository.name,
      installationId: BigInt(1),
      cloneUrl: repository.clone_url,
    },
  });
  for (const prNumber of [12, 13]) {
    const headSha = sha();
    const env = await prisma.environment.create({
      data: {
        repositoryId: repo.id,
        prNumber,
        headSha,
        branch: `feat-${prNumber}`,
        baseBranch: 'main',
        state: 'building',
        config: { mode: 'full-stack', database: 'fresh' },
        labelNotes: [{ label: 'preview:foo', message: 'unknown label `preview:foo`; ignored' }],
      },
    });
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 1, headSha, configSnapshot: {} },
    });
    if (prNumber === 12) environmentId = env.id;
  }

  // What the worker's stages leave behind (build → images, wire → wiring, runner → stage runs).
  const revision = await prisma.revision.update({
    where: { environmentId_generation: { environmentId, generation: 1 } },
    data: {
      images: {
        api: { tag: 'berth/shop-api:1a2b', source: 'built', durationMs: 1200, inputHash: '1a2b' },
        postgres: { tag: 'berth-fixture/postgres:15', source: 'image', durationMs: 0 },
      },
      wiring: {
        urls: { web: 'http://web-pr-12-shop.localhost:8080' },
        hostnames: { web: 'web-pr-12-shop.localhost' },
        environment: { api: { DATABASE_PASSWORD: DB_PASSWORD } },
        ports: { web: 3000 },
        public: false,
        spec: { services: {} },
      },
    },
  });
  const started = new Date(Date.now() - 5_000);
  await prisma.stageRun.create({
    data: {
      revisionId: revision.id,
      stage: 'build',
      status: 'succeeded',
      startedAt: started,
      finishedAt: new Date(started.getTime() + 1_500),
      durationMs: 1_500,
    },
  });
  await prisma.stageRun.create({
    data: {
      revisionId: revision.id,
      stage: 'wire',
      status: 'failed',
      startedAt: started,
      errorMessage: 'boom',
    },
  });
  await prisma.environment.update({
    where: { id: environmentId },
    data: { state: 'provisioning' },
  });
});
afterAll(async () => {
  await api?.stop();
});

describe('/api/v1 authentication', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: `Bearer ${'x'.repeat(40)}` }],
    ['another scheme', { Authorization: `Basic ${API_TOKEN}` }],
  ])('answers 401 with %s', async (_, headers) => {
    for (const path of ['/api/v1/environments', `/api/v1/environments/${environmentId}`]) {
      const response = await request(api.url).get(path).set(headers);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.detail).toMatch(/Bearer <token>|unknown token/);
    }
  });
});

describe('GET /api/v1/environments', () => {
  it('lists environments filtered by repository and state', async () => {
    const all = await request(api.url)
      .get('/api/v1/environments')
      .query({ repository: repository.full_name })
      .set(auth);
    expect(all.status).toBe(200);
    expect(all.body.environments.map((e: { prNumber: number }) => e.prNumber).sort()).toEqual([
      12, 13,
    ]);
    const provisioning = await request(api.url)
      .get('/api/v1/environments')
      .query({ repository: repository.full_name, state: 'provisioning' })
      .set(auth);
    expect(provisioning.body.environments).toEqual([
      expect.objectContaining({
        id: environmentId,
        repository: repository.full_name,
        prNumber: 12,
        branch: 'feat-12',
        state: 'provisioning',
        generation: 1,
      }),
    ]);
  });

  it('rejects a bad filter with 400', async () => {
    const badState = await request(api.url)
      .get('/api/v1/environments')
      .query({ state: 'on-fire' })
      .set(auth);
    expect(badState.status).toBe(400);
    expect(badState.body.detail).toMatch(/query\.state: must be one of pending, /);
    expect(badState.body.errors).toEqual([
      { field: 'query.state', message: expect.stringMatching(/^must be one of pending, /) },
    ]);
    const badRepo = await request(api.url)
      .get('/api/v1/environments')
      .query({ repository: 'nope' })
      .set(auth);
    expect(badRepo.status).toBe(400);
  });
});

describe('GET /api/v1/environments/:id', () => {
  it('shows state, stages with timings, services and URLs — never the wiring environment', async () => {
    const response = await request(api.url).get(`/api/v1/environments/${environmentId}`).set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: environmentId,
      repository: repository.full_name,
      prNumber: 12,
      state: 'provisioning',
      generation: 1,
      config: { mode: 'full-stack', database: 'fresh' },
      labelNotes: [expect.objectContaining({ label: 'preview:foo' })],
      stages: [
        { stage: 'build', status: 'succeeded', attempt: 1, durationMs: 1500, error: null },
        { stage: 'wire', status: 'failed', attempt: 1, error: 'boom', finishedAt: null },
      ],
      services: [
        { name: 'api', image: 'berth/shop-api:1a2b', source: 'built' },
        { name: 'postgres', image: 'berth-fixture/postgres:15', source: 'image' },
      ],
      urls: { web: 'http://web-pr-12-shop.localhost:8080' },
      pullRequestUrl: expect.stringMatching(/^https?:\/\/[^@]+\/pull\/12$/),
    });
    expect(typeof response.body.headSha).toBe('string');
    expect(response.body.stages[0].startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(DB_PASSWORD);
    expect(text).not.toContain('DATABASE_PASSWORD');
  });

  it('answers 404 problem details for unknown and invalid ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await request(api.url).get(`/api/v1/environments/${id}`).set(auth);
      expect(response.status).toBe(404);
      expect(response.body.detail).toBe(`no environment with id ${id}`);
    }
  });
});

describe('GET /api/v1/environments/:id/services', () => {
  it('shows each service as the worker last sampled it, and only what it last saw', async () => {
    const store = new ServiceStatusStore(api.stores.prisma);
    const sampledAt = new Date('2026-12-05T10:00:00.000Z');
    const db = {
      service: 'postgres',
      container: 'berth-x-postgres',
      state: 'running',
      health: 'healthy',
      restarts: 1,
      cpuPercent: 2.5,
      memoryBytes: 40 << 20,
      memoryLimitBytes: 512 << 20,
      sampledAt,
    };
    const gone = { ...db, service: 'old', container: 'berth-x-old', health: null };
    await store.replace(environmentId, [db, gone]);
    await store.replace(environmentId, [db]);
    const response = await request(api.url)
      .get(`/api/v1/environments/${environmentId}/services`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ services: [{ ...db, sampledAt: sampledAt.toISOString() }] });
  });
});

describe('GET /api/v1/environments/:id/checks', () => {
  it('lists the check runs the worker recorded on the head commit, linked to GitHub', async () => {
    const { prisma } = api.stores;
    const env = await prisma.environment.findUniqueOrThrow({ where: { id: environmentId } });
    const store = new CheckRunStore(prisma);
    const row = { environmentId, headSha: env.headSha };
    await store.record({
      ...row,
      githubId: 70,
      name: 'Berth / preview',
      status: 'in_progress',
      conclusion: null,
    });
    await store.record({
      ...row,
      githubId: 70,
      name: 'Berth / preview',
      status: 'completed',
      conclusion: 'success',
    });
    await store.record({
      ...row,
      githubId: 71,
      name: 'Berth / e2e',
      status: 'completed',
      conclusion: 'failure',
    });
    // Another commit's run is not this head's.
    await store.record({
      ...row,
      headSha: sha(),
      githubId: 69,
      name: 'Berth / preview',
      status: 'completed',
      conclusion: 'failure',
    });
    const response = await request(api.url)
      .get(`/api/v1/environments/${environmentId}/checks`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      headSha: env.headSha,
      checks: [
        {
          name: 'Berth / preview',
          status: 'completed',
          conclusion: 'success',
          url: `http://127.0.0.1:9/${repository.owner.login}/shop/runs/70`,
        },
        {
          name: 'Berth / e2e',
          status: 'completed',
          conclusion: 'failure',
          url: `http://127.0.0.1:9/${repository.owner.login}/shop/runs/71`,
        },
      ],
    });
    const missing = await request(api.url)
      .get('/api/v1/environments/00000000-0000-4000-8000-000000000000/checks')
      .set(auth);
    expect(missing.status).toBe(404);
  });
});
