import { randomBytes, randomInt } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, startApi } from '../test-support/api-harness.js';

let api: ApiHarness;
const run = randomBytes(3).toString('hex');
const repo = `acme/sess${run}`;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
let environmentId: string;

beforeAll(async () => {
  api = await startApi();
  const prisma = api.stores.prisma;
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repo,
      owner: 'acme',
      name: `sess${run}`,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${repo}.git`,
    },
  });
  environmentId = (
    await prisma.environment.create({
      data: {
        repositoryId: repository.id,
        prNumber: 3,
        headSha: 'c'.repeat(40),
        branch: 'b',
        baseBranch: 'main',
      },
    })
  ).id;
  const expiresAt = new Date(Date.now() + 3_600_000);
  const session = (login: string, env: string | null) =>
    prisma.ssoSession.create({
      data: { environmentId: env, provider: 'github', subject: login, login, expiresAt },
    });
  await session(`ada${run}`, null);
  await session(`ada${run}`, environmentId);
  await session(`bob${run}`, environmentId);
});
afterAll(async () => {
  await api?.stop();
});

describe('/admin/v1/sessions', () => {
  it('needs the admin token', async () => {
    expect((await request(api.url).get(`/admin/v1/sessions?user=ada${run}`)).status).toBe(401);
  });

  it('lists one person’s sessions, or one environment’s', async () => {
    const mine = await request(api.url).get(`/admin/v1/sessions?user=ADA${run}`).set(admin);
    expect(mine.status).toBe(200);
    expect(mine.body.sessions).toHaveLength(2);
    const env = await request(api.url)
      .get('/admin/v1/sessions')
      .query({ env: `${repo}#3` })
      .set(admin);
    expect(env.body.sessions.map((s: { login: string }) => s.login).sort()).toEqual([
      `ada${run}`,
      `bob${run}`,
    ]);
  });

  it('revokes by environment, then by person, and says how many', async () => {
    const byEnv = await request(api.url)
      .post('/admin/v1/sessions/revoke')
      .set(admin)
      .send({ env: `${repo}#3` });
    expect(byEnv.body).toEqual({ revoked: 2 });
    const byUser = await request(api.url)
      .post('/admin/v1/sessions/revoke')
      .set(admin)
      .send({ user: `ada${run}` });
    expect(byUser.body).toEqual({ revoked: 1 }); // the sign-in host's session was left
    const again = await request(api.url)
      .post('/admin/v1/sessions/revoke')
      .set(admin)
      .send({ user: `ada${run}` });
    expect(again.body).toEqual({ revoked: 0 });
    const listed = await request(api.url).get(`/admin/v1/sessions?user=ada${run}`).set(admin);
    expect(listed.body.sessions).toEqual([]);
  });

  it('refuses both or neither filter, a bad env and an unknown one', async () => {
    const both = await request(api.url)
      .post('/admin/v1/sessions/revoke')
      .set(admin)
      .send({ user: 'x', env: `${repo}#3` });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('exactly one');
    expect((await request(api.url).get('/admin/v1/sessions').set(admin)).status).toBe(400);
    const bad = await request(api.url).get('/admin/v1/sessions?env=acme-shop-3').set(admin);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('owner/name#pr');
    const unknown = await request(api.url)
      .get('/admin/v1/sessions')
      .query({ env: `${repo}#99` })
      .set(admin);
    expect(unknown.status).toBe(404);
  });
});
