import { createHash, randomUUID } from 'node:crypto';
import { createActionQueue } from '@berth/queue';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  API_TOKEN,
  type ApiHarness,
  makeRepository,
  type RepositoryJson,
  sha,
  startApi,
  seedRepositoryRow,
} from '../test-support/api-harness.js';

// REST API v1 (decision 0029) against the real app, Postgres and Redis. No worker runs here:
// actions are asked with `?wait=0` and answer 202 `queued`, which is what the guard, the
// idempotency keys and the audit log act on. The worker's side is environment-commands'
// operator spec.

let api: ApiHarness;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const repoA = makeRepository();
const repoB = makeRepository();
let envA = '';
let envB = '';
let readToken: string;
let writeA: { id: string; token: string };
let ownerB: string;

async function seedRepository(repository: RepositoryJson, prNumbers: number[]): Promise<string[]> {
  const { prisma } = api.stores;
  const repo = await seedRepositoryRow(prisma, repository);
  const ids: string[] = [];
  for (const prNumber of prNumbers) {
    const headSha = sha();
    const env = await prisma.environment.create({
      data: {
        repositoryId: repo.id,
        prNumber,
        headSha,
        branch: `feat-${prNumber}`,
        baseBranch: 'main',
        state: 'ready',
        // A Docker host name of its own: the actions queued here are this spec's to count.
        dockerHost: `rest-${repository.id}`,
      },
    });
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 1, headSha, configSnapshot: {} },
    });
    ids.push(env.id);
  }
  return ids;
}

async function createToken(body: Record<string, unknown>) {
  const response = await request(api.url).post('/api/v1/tokens').set(admin).send(body);
  expect(response.status).toBe(201);
  return response.body as { id: string; token: string; prefix: string };
}

beforeAll(async () => {
  api = await startApi({ PREVIEW_LINK_SECRET: 'share-link-secret-rest-api-0123456789' });
  envA = (await seedRepository(repoA, [1]))[0] ?? '';
  envB = (await seedRepository(repoB, [1]))[0] ?? '';
  readToken = (await createToken({ name: 'reader', scope: 'read' })).token;
  writeA = await createToken({ name: 'ci-a', scope: 'write', repository: repoA.full_name });
  ownerB = (
    await createToken({ name: 'owner-b', scope: 'write', repository: `${repoB.owner.login}/*` })
  ).token;
});
afterAll(async () => {
  await api?.stop();
});

describe('tokens', () => {
  it('are shown once, stored only as their SHA-256, and listed without secrets', async () => {
    const created = await createToken({ name: 'shown-once', scope: 'read', expiresInDays: 7 });
    expect(created.token).toMatch(/^berth_[\w-]{43}$/);
    expect(created.prefix).toBe(created.token.slice(0, 10));
    const row = await api.stores.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(created.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(created.token);

    const list = await request(api.url).get('/api/v1/tokens').query({ limit: 200 }).set(admin);
    expect(list.status).toBe(200);
    const listed = list.body.tokens.find((t: { id: string }) => t.id === created.id);
    expect(listed).toMatchObject({ name: 'shown-once', scope: 'read', status: 'active' });
    expect(listed.expiresAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    expect(JSON.stringify(list.body)).not.toContain(row.tokenHash);
  });

  it('records the last use, and a revoked token is refused at once', async () => {
    const created = await createToken({ name: 'short-lived', scope: 'read' });
    const used = await request(api.url).get('/api/v1/environments').set(bearer(created.token));
    expect(used.status).toBe(200);
    // Written after the answer, off the request's path: read it back until it lands.
    let lastUsedAt: Date | null = null;
    for (let i = 0; i < 50 && lastUsedAt === null; i++) {
      const row = await api.stores.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
      lastUsedAt = row.lastUsedAt;
      if (lastUsedAt === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lastUsedAt).not.toBeNull();

    const revoked = await request(api.url).delete(`/api/v1/tokens/${created.id}`).set(admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.id, status: 'revoked' });
    const again = await request(api.url).delete(`/api/v1/tokens/${created.id}`).set(admin);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

    const refused = await request(api.url).get('/api/v1/environments').set(bearer(created.token));
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/was revoked/);
  });

  it('refuses an invalid request naming the field', async () => {
    const response = await request(api.url)
      .post('/api/v1/tokens')
      .set(admin)
      .send({ name: 'x', scope: 'root', repository: 'not a repo' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: 'urn:berth:problem:invalid-request',
      status: 400,
      errors: [expect.objectContaining({ field: 'body.scope' })],
    });
  });

  it('are managed only by an unrestricted admin token', async () => {
    const restrictedAdmin = await createToken({
      name: 'admin-a',
      scope: 'admin',
      repository: repoA.full_name,
    });
    for (const token of [readToken, writeA.token, restrictedAdmin.token]) {
      const response = await request(api.url)
        .post('/api/v1/tokens')
        .set(bearer(token))
        .send({ name: 'escalate', scope: 'admin' });
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('urn:berth:problem:forbidden');
    }
  });
});

describe('authorisation', () => {
  it('answers 401 problem details without a valid token', async () => {
    for (const headers of [{}, bearer(`berth_${'x'.repeat(43)}`), { Authorization: 'Basic x' }]) {
      const response = await request(api.url).get('/api/v1/environments').set(headers);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({
        type: 'urn:berth:problem:unauthenticated',
        title: expect.any(String),
        status: 401,
        detail: expect.any(String),
      });
    }
  });

  it('refuses an action to a read token, and records the refusal', async () => {
    for (const action of ['redeploy', 'rebuild', 'destroy', 'sleep', 'wake']) {
      const response = await request(api.url)
        .post(`/api/v1/environments/${envA}/${action}`)
        .query({ wait: 0 })
        .set(bearer(readToken));
      expect(response.status).toBe(403);
      expect(response.body.detail).toMatch(/needs the `write` scope; reader has `read`/);
    }
    const audit = await request(api.url).get('/api/v1/audit').query({ limit: 200 }).set(admin);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        actorName: 'reader',
        route: '/api/v1/environments/:id/redeploy',
        target: envA,
        status: 403,
        outcome: 'refused',
      }),
    );
  });

  it('keeps a restricted token to its repositories: lists filtered, others 404', async () => {
    const list = await request(api.url).get('/api/v1/environments').set(bearer(writeA.token));
    expect(list.status).toBe(200);
    const repositories = new Set(
      list.body.environments.map((e: { repository: string }) => e.repository),
    );
    expect([...repositories]).toEqual([repoA.full_name]);

    const filtered = await request(api.url)
      .get('/api/v1/environments')
      .query({ repository: repoB.full_name })
      .set(bearer(writeA.token));
    expect(filtered.body.environments).toEqual([]);

    const own = await request(api.url)
      .get(`/api/v1/environments/${envA}`)
      .set(bearer(writeA.token));
    expect(own.status).toBe(200);
    const other = await request(api.url)
      .get(`/api/v1/environments/${envB}`)
      .set(bearer(writeA.token));
    expect(other.status).toBe(404);
    expect(other.body.detail).toBe(`no environment with id ${envB}`);
    for (const action of ['redeploy', 'rebuild', 'destroy', 'sleep', 'wake']) {
      const response = await request(api.url)
        .post(`/api/v1/environments/${envB}/${action}`)
        .query({ wait: 0 })
        .set(bearer(writeA.token));
      expect(response.status).toBe(404);
    }
    const extend = await request(api.url)
      .post(`/api/v1/environments/${envB}/extend`)
      .query({ wait: 0 })
      .set(bearer(writeA.token))
      .send({ by: '1h' });
    expect(extend.status).toBe(404);

    // An owner/* token sees that owner's repositories only.
    const owner = await request(api.url).get(`/api/v1/environments/${envB}`).set(bearer(ownerB));
    expect(owner.status).toBe(200);
    const notOwner = await request(api.url).get(`/api/v1/environments/${envA}`).set(bearer(ownerB));
    expect(notOwner.status).toBe(404);
  });
});

describe('actions', () => {
  it('queue a command once per Idempotency-Key, and the audit log names the actor', async () => {
    const [env] = await seedRepository(makeRepository(), [7]);
    const key = randomUUID();
    const token = await createToken({ name: 'deployer', scope: 'write' });
    const first = await request(api.url)
      .post(`/api/v1/environments/${env}/redeploy`)
      .query({ wait: 0 })
      .set({ ...bearer(token.token), 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ environmentId: env, action: 'redeploy', status: 'queued' });
    const repeat = await request(api.url)
      .post(`/api/v1/environments/${env}/redeploy`)
      .query({ wait: 0 })
      .set({ ...bearer(token.token), 'Idempotency-Key': key });
    expect(repeat.status).toBe(202);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toEqual(first.body);

    // One job on the environment's host's queue: the repeat did not act.
    const row = await api.stores.prisma.environment.findUniqueOrThrow({ where: { id: env } });
    const queue = createActionQueue(api.stores.redis, api.queuePrefix, row.dockerHost);
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
      expect(jobs.map((job) => [job.name, job.data.environmentId])).toEqual([['redeploy', env]]);
      expect(jobs[0]?.data.requestedBy).toBe('deployer');
    } finally {
      await queue.close();
    }

    // The same key with a different request: refused, nothing queued.
    const reused = await request(api.url)
      .post(`/api/v1/environments/${env}/destroy`)
      .query({ wait: 0 })
      .set({ ...bearer(token.token), 'Idempotency-Key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe('urn:berth:problem:idempotency-key-reused');

    const audit = await request(api.url).get('/api/v1/audit').query({ actor: token.id }).set(admin);
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e: { status: number }) => e.status)).toEqual([422, 202, 202]);
    expect(audit.body.entries[2]).toMatchObject({
      actorId: token.id,
      actorName: 'deployer',
      method: 'POST',
      route: '/api/v1/environments/:id/redeploy',
      target: env,
      status: 202,
      outcome: 'succeeded',
    });
    expect(audit.body.entries[1].detail).toMatch(/^replayed/);
    expect(Date.parse(audit.body.entries[2].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('validate the extension before queueing it', async () => {
    const response = await request(api.url)
      .post(`/api/v1/environments/${envA}/extend`)
      .query({ wait: 0 })
      .set(bearer(writeA.token))
      .send({ by: 'forever' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'body.by' })]);
    expect(response.body.fix).toMatch(/24h/);
  });
});

describe('repositories', () => {
  it("show and change the operator's settings, within the token's repositories", async () => {
    const settings = `/api/v1/repositories/${repoA.full_name}/settings`;
    const changed = await request(api.url).patch(settings).set(admin).send({ defaultTtlHours: 12 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ fullName: repoA.full_name, defaultTtlHours: 12 });

    const list = await request(api.url).get('/api/v1/repositories').set(bearer(writeA.token));
    expect(list.body.repositories.map((r: { fullName: string }) => r.fullName)).toEqual([
      repoA.full_name,
    ]);
    const own = await request(api.url).get(settings).set(bearer(writeA.token));
    expect(own.body.defaultTtlHours).toBe(12);
    const other = await request(api.url)
      .get(`/api/v1/repositories/${repoB.full_name}/settings`)
      .set(bearer(writeA.token));
    expect(other.status).toBe(404);

    // Settings are the operator's: a write token cannot change them.
    const refused = await request(api.url)
      .patch(settings)
      .set(bearer(writeA.token))
      .send({ enabled: false });
    expect(refused.status).toBe(403);
    const invalid = await request(api.url).patch(settings).set(admin).send({ defaultTtlHours: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toContainEqual({
      field: 'body.defaultTtlHours',
      message: 'must be at least 1 (hours)',
    });

    const audit = await request(api.url).get('/api/v1/audit').query({ limit: 200 }).set(admin);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        actorId: 'bootstrap:admin',
        route: '/api/v1/repositories/:owner/:name/settings',
        target: repoA.full_name,
        status: 200,
        detail: 'changed defaultTtlHours',
      }),
    );
  });
});

describe('share links', () => {
  it('are minted and revoked for an environment the token may see', async () => {
    const revision = await api.stores.prisma.revision.update({
      where: { environmentId_generation: { environmentId: envA, generation: 1 } },
      data: { wiring: { urls: { web: 'http://web-pr-1.localhost:8080' } } },
    });
    expect(revision.wiring).toBeTruthy();
    const minted = await request(api.url)
      .post(`/api/v1/environments/${envA}/share-links`)
      .set(bearer(writeA.token))
      .send({ ttlSeconds: 3600, note: 'design review' });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ environmentId: envA, createdBy: 'ci-a', status: 'active' });
    expect(minted.body.links.web).toMatch(/^http:\/\/web-pr-1\.localhost:8080\/?\?/);

    const refused = await request(api.url)
      .post(`/api/v1/environments/${envB}/share-links`)
      .set(bearer(writeA.token))
      .send({});
    expect(refused.status).toBe(404);
    const notOwn = await request(api.url)
      .delete(`/api/v1/share-links/${minted.body.id}`)
      .set(bearer(ownerB));
    expect(notOwn.status).toBe(404);
    const readOnly = await request(api.url)
      .delete(`/api/v1/share-links/${minted.body.id}`)
      .set(bearer(readToken));
    expect(readOnly.status).toBe(403);

    const revoked = await request(api.url)
      .delete(`/api/v1/share-links/${minted.body.id}`)
      .set(bearer(writeA.token));
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: minted.body.id, status: 'revoked' });
    expect(revoked.body.links).toBeUndefined();
  });
});

describe('pagination', () => {
  it('walks 1,000 environments with no gaps or repeats', async () => {
    const repository = makeRepository();
    const { prisma } = api.stores;
    const repo = await seedRepositoryRow(prisma, repository);
    // One statement: every row has the same created_at, so only the id orders them.
    await prisma.environment.createMany({
      data: Array.from({ length: 1_000 }, (_, i) => ({
        repositoryId: repo.id,
        prNumber: i + 1,
        headSha: 'a'.repeat(40),
        branch: `b${i}`,
        baseBranch: 'main',
      })),
    });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: request.Response = await request(api.url)
        .get('/api/v1/environments')
        .query({ repository: repository.full_name, limit: 97, ...(cursor ? { cursor } : {}) })
        .set(admin);
      expect(response.status).toBe(200);
      seen.push(...response.body.environments.map((e: { prNumber: number }) => e.prNumber));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(11);
    expect(seen).toHaveLength(1_000);
    expect(new Set(seen).size).toBe(1_000);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));

    const one = await request(api.url)
      .get('/api/v1/environments')
      .query({ repository: repository.full_name, pr: 500 })
      .set(admin);
    expect(one.body.environments.map((e: { prNumber: number }) => e.prNumber)).toEqual([500]);
    expect(one.body.nextCursor).toBeNull();
  });

  it('caps the limit and refuses a forged cursor', async () => {
    const tooMany = await request(api.url)
      .get('/api/v1/environments')
      .query({ limit: 201 })
      .set(admin);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'query.limit' })]);
    const forged = await request(api.url)
      .get('/api/v1/environments')
      .query({ cursor: 'not-a-cursor' })
      .set(admin);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once a token spends its minute', async () => {
    const limited = await startApi({ API_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      let last: request.Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await request(limited.url).get('/api/v1/environments').set(bearer(API_TOKEN));
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(last?.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(last?.body).toMatchObject({ type: 'urn:berth:problem:rate-limited', status: 429 });
      // Per token: another token still has its budget.
      const other = await request(limited.url).get('/api/v1/environments').set(admin);
      expect(other.status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
