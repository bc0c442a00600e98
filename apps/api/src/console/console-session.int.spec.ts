import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, API_TOKEN, type ApiHarness, startApi } from '../test-support/api-harness.js';
import { CONSOLE_CSP } from './serve-console.js';

// The admin console's session (decision 0033) against the real app, Postgres and Redis: a
// token exchanged for an HttpOnly cookie that /api/v1 accepts as that token, CSRF on writes,
// sign-out, and the static files' headers (dist/apps/console must be built: `npm run build`).

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stop();
});

async function signIn(token: string): Promise<string> {
  const res = await request(api.url).post('/api/console/session').send({ token });
  expect(res.status, res.text).toBe(200);
  const cookie = [res.headers['set-cookie'] ?? []].flat()[0] ?? '';
  return cookie.split(';')[0] ?? '';
}

async function createToken(scope: 'read' | 'write', repository?: string): Promise<string> {
  const res = await request(api.url)
    .post('/api/v1/tokens')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name: `console-${scope}`, scope, ...(repository ? { repository } : {}) });
  expect(res.status, res.text).toBe(201);
  return (res.body as { token: string }).token;
}

describe('console session', () => {
  it('exchanges a token for an HttpOnly, SameSite=Strict cookie that carries no token', async () => {
    const res = await request(api.url).post('/api/console/session').send({ token: API_TOKEN });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ name: 'API_TOKEN', scope: 'read', repository: null, via: 'token' });
    const cookie = [res.headers['set-cookie'] ?? []].flat()[0] ?? '';
    expect(cookie).toMatch(/^berth_console=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain(API_TOKEN);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await request(api.url)
      .post('/api/console/session')
      .set('X-Forwarded-Proto', 'https')
      .send({ token: API_TOKEN });
    expect([res.headers['set-cookie'] ?? []].flat()[0]).toContain('Secure');
  });

  it('refuses an unknown token and a missing one', async () => {
    const unknown = await request(api.url)
      .post('/api/console/session')
      .send({ token: 'berth_not-a-real-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    const missing = await request(api.url).post('/api/console/session').send({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'body.token' })]);
  });

  it('acts as the token on /api/v1, with its scope and repository restriction', async () => {
    const cookie = await signIn(await createToken('read', 'someone/else'));
    const who = await request(api.url).get('/api/console/session').set('Cookie', cookie);
    expect(who.body).toMatchObject({ scope: 'read', repository: 'someone/else' });
    const list = await request(api.url).get('/api/v1/environments').set('Cookie', cookie);
    expect(list.status, list.text).toBe(200);
    // Restricted to a repository with no environment: an empty page, not everyone's.
    expect(list.body.environments).toEqual([]);
    // `read` may not act, even with the CSRF header.
    const act = await request(api.url)
      .post('/api/v1/environments/00000000-0000-0000-0000-000000000000/sleep')
      .set('Cookie', cookie)
      .set('x-berth-console', '1');
    expect(act.status).toBe(403);
    expect(act.body.detail).toMatch(/needs the `write` scope/);
  });

  it('refuses a cookie-authenticated write without the CSRF header', async () => {
    const cookie = await signIn(await createToken('write'));
    const id = '00000000-0000-0000-0000-000000000000';
    const forged = await request(api.url)
      .post(`/api/v1/environments/${id}/sleep?wait=0`)
      .set('Cookie', cookie);
    expect(forged.status).toBe(403);
    expect(forged.body.detail).toMatch(/x-berth-console: 1/);
    const real = await request(api.url)
      .post(`/api/v1/environments/${id}/sleep?wait=0`)
      .set('Cookie', cookie)
      .set('x-berth-console', '1');
    // Past the guard: the environment does not exist.
    expect(real.status).toBe(404);
  });

  it('ends the session when the token is revoked, and on sign-out', async () => {
    const created = await request(api.url)
      .post('/api/v1/tokens')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'console-revoked', scope: 'read' });
    const { id, token } = created.body as { id: string; token: string };
    const cookie = await signIn(token);
    expect((await request(api.url).get('/api/v1/environments').set('Cookie', cookie)).status).toBe(
      200,
    );
    const revoked = await request(api.url)
      .delete(`/api/v1/tokens/${id}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(revoked.status, revoked.text).toBe(200);
    const after = await request(api.url).get('/api/v1/environments').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);

    const other = await signIn(API_TOKEN);
    const noHeader = await request(api.url).delete('/api/console/session').set('Cookie', other);
    expect(noHeader.status).toBe(403);
    const out = await request(api.url)
      .delete('/api/console/session')
      .set('Cookie', other)
      .set('x-berth-console', '1');
    expect(out.status).toBe(204);
    expect([out.headers['set-cookie'] ?? []].flat()[0]).toMatch(/^berth_console=; .*Max-Age=0/);
    const gone = await request(api.url).get('/api/v1/environments').set('Cookie', other);
    expect(gone.status).toBe(401);
  });

  it('answers 304 to an unchanged list asked with If-None-Match (the console polls so)', async () => {
    const cookie = await signIn(API_TOKEN);
    const first = await request(api.url).get('/api/v1/environments?limit=1').set('Cookie', cookie);
    const etag = first.headers['etag'];
    expect(etag).toBeTruthy();
    const again = await request(api.url)
      .get('/api/v1/environments?limit=1')
      .set('Cookie', cookie)
      .set('If-None-Match', etag ?? '');
    expect(again.status).toBe(304);
  });
});

describe('console static files', () => {
  it('serves the page with a strict CSP, revalidated, and hashed assets cached for good', async () => {
    const page = await request(api.url).get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await request(api.url).get(script ?? '');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers the page for the SPA’s own routes, 404 for a missing asset, never a file outside', async () => {
    const route = await request(api.url).get('/console/environments/some-id');
    expect(route.status).toBe(200);
    expect(route.text).toContain('<div id="root">');
    expect((await request(api.url).get('/console/assets/gone-1234.js')).status).toBe(404);
    const escape = await request(api.url).get('/console/..%2f..%2f..%2fpackage.json');
    expect(escape.text).not.toContain('"devDependencies"');
    const bare = await request(api.url).get('/console');
    expect(bare.status).toBe(308);
    expect(bare.headers['location']).toBe('/console/');
  });
});
