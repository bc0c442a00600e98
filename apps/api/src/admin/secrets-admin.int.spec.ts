import { randomBytes } from 'node:crypto';
import { masterKeyId, MasterKeyring } from '@berth/core';
import { ScopedSecretStore } from '@berth/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, startApi } from '../test-support/api-harness.js';

const run = randomBytes(3).toString('hex');
const owner = `sec${run}`;
const repo = `${owner}/shop`;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const VALUE = `sk_test_${randomBytes(12).toString('hex')}`;
let api: ApiHarness;

beforeAll(async () => {
  api = await startApi({ BERTH_MASTER_KEY: oldKey.toString('base64') });
});
afterAll(async () => {
  await api?.stores.prisma.secret.deleteMany({ where: { scope: { contains: owner } } });
  await api?.stop();
});

describe('/admin/v1/secrets', () => {
  it('needs the admin token', async () => {
    const res = await request(api.url)
      .put(`/admin/v1/secrets/repositories/${repo}/api_key`)
      .send({ value: VALUE });
    expect(res.status).toBe(401);
  });

  it('stores each layer write-only: listed by name and layer, the value never returned nor stored in the clear', async () => {
    const put = (path: string, body: object) =>
      request(api.url).put(`/admin/v1/secrets/${path}`).set(admin).send(body);
    expect((await put(`installations/${owner}/sentry_dsn`, { value: 'https://dsn' })).status).toBe(
      200,
    );
    const set = await put(`repositories/${repo}/api_key`, { value: VALUE });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ layer: 'repository', name: 'api_key', kind: 'value' });
    expect(
      (await put(`repositories/${repo}/pulls/7/stripe`, { reference: 'shop/stripe-test#key' }))
        .status,
    ).toBe(200);

    const list = await request(api.url)
      .get(`/admin/v1/secrets/repositories/${repo}?pr=7`)
      .set(admin);
    expect(list.status).toBe(200);
    expect(
      list.body.secrets.map((s: { layer: string; name: string; kind: string }) => [
        s.layer,
        s.name,
        s.kind,
      ]),
    ).toEqual([
      ['repository', 'api_key', 'value'],
      ['installation', 'sentry_dsn', 'value'],
      ['pull_request', 'stripe', 'reference'],
    ]);
    expect(JSON.stringify(list.body)).not.toContain(VALUE);
    const raw = await api.stores.prisma.$queryRaw<{ t: string }[]>`
      SELECT string_agg(encode(ciphertext, 'escape') || encode(wrapped_key, 'hex'), '') AS t
      FROM secrets WHERE scope LIKE ${`%${owner}%`}`;
    expect(raw[0]?.t).not.toContain(VALUE);
    // Without the PR, its layer is not listed.
    const repoOnly = await request(api.url)
      .get(`/admin/v1/secrets/repositories/${repo}`)
      .set(admin);
    expect(repoOnly.body.secrets.map((s: { name: string }) => s.name)).toEqual([
      'api_key',
      'sentry_dsn',
    ]);
  });

  it('names the field and the fix for bad input', async () => {
    const bad = async (path: string, body: object, pattern: RegExp) => {
      const res = await request(api.url).put(`/admin/v1/secrets/${path}`).set(admin).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.message).toMatch(pattern);
    };
    await bad(`repositories/${repo}/API-KEY`, { value: 'x' }, /api_key/);
    await bad(`repositories/${repo}/api_key`, { value: 'x', reference: 'y' }, /exactly one/);
    await bad(`repositories/${repo}/api_key`, { secret: 'x' }, /unknown field secret/);
    await bad(`repositories/${repo}/api_key`, { reference: 'has spaces' }, /Secrets Manager/);
    await bad(`repositories/ac%20me/shop/api_key`, { value: 'x' }, /owner\/name/);
  });

  it('removes an entry, and says when there is none', async () => {
    const del = () =>
      request(api.url).delete(`/admin/v1/secrets/installations/${owner}/sentry_dsn`).set(admin);
    expect((await del()).status).toBe(200);
    expect((await del()).status).toBe(404);
  });

  it('rotates the master key with no downtime: old rows open while re-sealed, then only the new key is needed', async () => {
    // Every process runs with the new key current and the old one previous.
    await api.stop();
    api = await startApi({
      BERTH_MASTER_KEY: newKey.toString('base64'),
      BERTH_MASTER_KEY_PREVIOUS: oldKey.toString('base64'),
    });
    const during = new ScopedSecretStore(api.stores.prisma, new MasterKeyring(newKey, [oldKey]));
    expect(await during.entries({ repository: repo })).toContainEqual(
      expect.objectContaining({ name: 'api_key', value: VALUE }),
    );
    const res = await request(api.url).post('/admin/v1/secrets/rotate-key').set(admin);
    expect(res.status).toBe(200);
    expect(res.body.rewrapped).toBeGreaterThanOrEqual(2);
    // Rows sealed by other spec files' keys (one shared test database) are not this run's.
    expect((res.body.unreadable as string[]).filter((address) => address.includes(owner))).toEqual(
      [],
    );
    const rows = await api.stores.prisma.secret.findMany({
      where: { scope: { contains: owner } },
      select: { keyId: true },
    });
    expect(new Set(rows.map((r) => r.keyId))).toEqual(new Set([masterKeyId(newKey)]));
    // The old key can go: the new one alone opens everything.
    const after = new ScopedSecretStore(api.stores.prisma, newKey);
    expect(await after.entries({ repository: repo })).toContainEqual(
      expect.objectContaining({ name: 'api_key', value: VALUE }),
    );
    // Running it again has nothing left to do.
    const again = await request(api.url).post('/admin/v1/secrets/rotate-key').set(admin);
    expect(again.body.rewrapped).toBe(0);
  });

  it('says how to turn layers on when the api has no master key', async () => {
    await api.stop();
    api = await startApi({ BERTH_MASTER_KEY: undefined, GITHUB_WEBHOOK_SECRET: 'w'.repeat(32) });
    const res = await request(api.url)
      .put(`/admin/v1/secrets/repositories/${repo}/api_key`)
      .set(admin)
      .send({ value: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('BERTH_MASTER_KEY');
  });
});
