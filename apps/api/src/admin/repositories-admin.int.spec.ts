import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, API_TOKEN, type ApiHarness, startApi } from '../test-support/api-harness.js';

let api: ApiHarness;
const repo = `spec-${randomBytes(3).toString('hex')}/shop`;
const path = `/admin/v1/repositories/${repo}`;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repo } });
  await api?.stop();
});

describe('/admin/v1/repositories', () => {
  it('answers 401 without the admin token, with a wrong one, and with the API token', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${API_TOKEN}` },
    ]) {
      const response = await request(api.url).get(path).set(headers);
      expect(response.status).toBe(401);
      expect(response.body.message).toContain('BERTH_ADMIN_TOKEN');
    }
    expect((await request(api.url).patch(path).send({ accessMode: 'public' })).status).toBe(401);
  });

  it('shows the defaults for a repository without settings', async () => {
    const response = await request(api.url).get(path).set(admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      fullName: repo,
      enabled: true,
      accessMode: 'private',
      allowedVariables: [],
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      bypassTokenSet: false,
      configured: false,
    });
  });

  it('stores a change, merges the next one, lists and resets', async () => {
    const first = await request(api.url)
      .patch(path)
      .set(admin)
      .send({
        composePath: 'compose.yaml',
        accessMode: 'public',
        maxMemoryMb: 1024,
        allowedVariables: ['IMAGE'],
      });
    expect(first.status).toBe(200);
    const second = await request(api.url).patch(path).set(admin).send({ defaultTtlHours: 24 });
    expect(second.body).toEqual({
      fullName: repo,
      enabled: true,
      accessMode: 'public',
      composePath: 'compose.yaml',
      maxMemoryMb: 1024,
      defaultTtlHours: 24,
      allowedVariables: ['IMAGE'],
      accessModes: [],
      ipAllowlist: [],
      forkSecrets: false,
      bypassTokenSet: false,
      configured: true,
    });
    const list = await request(api.url).get('/admin/v1/repositories').set(admin);
    expect(list.body.repositories.map((r: { fullName: string }) => r.fullName)).toContain(repo);
    const reset = await request(api.url).delete(path).set(admin);
    expect(reset.body).toMatchObject({ removed: true, configured: false, accessMode: 'private' });
  });

  it('refuses invalid settings naming every field and its fix, and stores nothing', async () => {
    const response = await request(api.url)
      .patch(path)
      .set(admin)
      .send({ accessMode: 'world', composePath: '/etc/passwd', maxCpus: 0, colour: 'blue' });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(`invalid settings for ${repo}`);
    const fields = (response.body.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['accessMode', 'colour', 'composePath', 'maxCpus']);
    expect(response.body.message).toContain('accessMode: must be private or public');
    expect((await request(api.url).get(path).set(admin)).body.configured).toBe(false);
  });

  it("keeps the repository's Slack channel (decision 0028): set, cleared with null, a bad one refused", async () => {
    const set = await request(api.url).patch(path).set(admin).send({ slackChannel: 'previews' });
    expect(set.status).toBe(200);
    expect(set.body.slackChannel).toBe('#previews');
    expect((await request(api.url).get(path).set(admin)).body.slackChannel).toBe('#previews');
    const bad = await request(api.url).patch(path).set(admin).send({ slackChannel: '#Two Words' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('slackChannel: must be a channel id');
    const cleared = await request(api.url).patch(path).set(admin).send({ slackChannel: null });
    expect(cleared.body.slackChannel).toBeUndefined();
    await request(api.url).delete(path).set(admin);
  });

  it('puts every change in the audit log with the admin token as actor, refusals too, and no reads', async () => {
    const auditOf = () =>
      api.stores.prisma.apiAuditEntry.findMany({ where: { target: repo }, orderBy: { id: 'asc' } });
    const before = (await auditOf()).length;
    await request(api.url).get(path).set(admin).expect(200);
    await request(api.url).patch(path).set(admin).send({ defaultTtlHours: 12 }).expect(200);
    await request(api.url).patch(path).set(admin).send({ accessMode: 'world' }).expect(400);
    await request(api.url).delete(path).set(admin).expect(200);
    const added = (await auditOf()).slice(before);
    expect(
      added.map(({ actorId, actorName, method, route, status, outcome }) => ({
        actorId,
        actorName,
        method,
        route,
        status,
        outcome,
      })),
    ).toEqual(
      [
        ['PATCH', 200, 'succeeded'],
        ['PATCH', 400, 'refused'],
        ['DELETE', 200, 'succeeded'],
      ].map(([method, status, outcome]) => ({
        actorId: 'bootstrap:admin',
        actorName: 'BERTH_ADMIN_TOKEN',
        method,
        route: '/admin/v1/repositories/:owner/:name',
        status,
        outcome,
      })),
    );
    expect(added[1]?.detail).toContain('accessMode');
  });

  it('refuses a malformed repository name', async () => {
    const response = await request(api.url).get('/admin/v1/repositories/a%20b/c').set(admin);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('owner/name');
  });
});
