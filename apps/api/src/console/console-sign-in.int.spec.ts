// The console's sign-in with GitHub and OIDC (decision 0035) against the real api, Postgres and
// Redis, the GitHub emulator (OAuth web flow, org and team membership through the App's
// installation) and a real OIDC server (oidc-provider): the operator's rules give each person
// a role, a person no rule names gets no cookie, the flow cannot be replayed or bent, and what
// a signed-in person does is audited as that person.
import { randomBytes } from 'node:crypto';
import {
  type GitHubEmulator,
  httpRequest,
  type HttpResult,
  type OidcServer,
  startGitHubEmulator,
  startOidcServer,
} from '@berth/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  makeRepository,
  startApi,
  seedReadyEnvironment,
} from '../test-support/api-harness.js';

/** The api as browsers and providers know it (API_PUBLIC_URL): mapped to the harness's port. */
const PUBLIC = 'http://console.berth.test';
const OIDC_CLIENT = { clientId: 'berth-console', clientSecret: 'oidc-console-secret-0123456789' };
const run = randomBytes(3).toString('hex');

const RULES = [
  { githubTeam: 'acme/platform', role: 'admin' },
  { githubTeam: 'acme/shop', role: 'write' },
  { githubOrg: 'acme', role: 'read' },
  // The emulator's App is installed on acme only: a rule for another org matches nobody.
  { githubOrg: 'globex', role: 'admin' },
  { oidcGroup: 'berth-admins', role: 'admin' },
  { oidcEmail: 'ops@example.org', role: 'write' },
  { oidcDomain: 'example.org', role: 'read', repository: 'acme/*' },
];

let gh: GitHubEmulator;
let oidc: OidcServer;
let api: ApiHarness;
let apiEnv: Record<string, string>;

/** Enough of a browser: follows redirects between the api and the providers, keeping cookies. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  /** Every URL requested, in order (to replay one). */
  readonly visited: string[] = [];
  /** Every Set-Cookie line the api sent. */
  readonly apiCookies: string[] = [];

  constructor(private readonly extraHeaders: Record<string, string> = {}) {}

  async request(url: string, headers: Record<string, string> = {}): Promise<HttpResult> {
    this.visited.push(url);
    const target = new URL(url);
    const toApi = url.startsWith(PUBLIC);
    const cookies = [...(this.jar.get(target.host)?.entries() ?? [])]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const res = await httpRequest(toApi ? `${api.url}${target.pathname}${target.search}` : url, {
      headers: {
        accept: 'text/html',
        ...(toApi ? { host: target.host, ...this.extraHeaders } : {}),
        ...(cookies ? { cookie: cookies } : {}),
        ...headers,
      },
    });
    const lines = [res.headers['set-cookie'] ?? []].flat();
    if (toApi) this.apiCookies.push(...lines);
    for (const line of lines) this.store(target.host, line);
    return res;
  }

  /**
   * Follows redirects from `url` until the api answers its callback: that answer (the console
   * page itself is not fetched). `rewrite` may change a URL before it is requested.
   */
  async signIn(url: string, rewrite: (url: URL) => void = () => undefined): Promise<HttpResult> {
    let current = url;
    for (let hop = 0; hop < 12; hop += 1) {
      const next = new URL(current);
      rewrite(next);
      const res = await this.request(next.toString());
      const location = res.headers.location;
      if (res.status < 300 || res.status > 399 || !location) return res;
      if (next.pathname.endsWith('/callback')) return res;
      current = new URL(location, next).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** The console session cookie (`name=value`), if the api set one. */
  session(): string | undefined {
    const value = this.jar.get(new URL(PUBLIC).host)?.get('berth_console');
    return value === undefined ? undefined : `berth_console=${value}`;
  }

  private store(host: string, line: string): void {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (/max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}

async function githubSignIn(login: string, browser = new Browser()) {
  gh.signInAs(login);
  const res = await browser.signIn(`${PUBLIC}/api/console/session/github`);
  return { browser, res };
}

async function oidcSignIn(sub: string, browser = new Browser(), rewrite?: (url: URL) => void) {
  oidc.signInAs(sub);
  const res = await browser.signIn(`${PUBLIC}/api/console/session/oidc`, rewrite);
  return { browser, res };
}

async function whoAmI(cookie: string | undefined) {
  return request(api.url)
    .get('/api/console/session')
    .set('Cookie', cookie ?? '');
}

beforeAll(async () => {
  gh = await startGitHubEmulator();
  oidc = await startOidcServer({
    ...OIDC_CLIENT,
    redirectUris: [`${PUBLIC}/api/console/session/oidc/callback`],
  });
  apiEnv = {
    API_PUBLIC_URL: PUBLIC,
    GITHUB_API_URL: gh.url,
    GITHUB_APP_ID: String(gh.app.id),
    GITHUB_APP_PRIVATE_KEY: gh.app.privateKey,
    GITHUB_APP_CLIENT_ID: gh.oauthClient.clientId,
    GITHUB_APP_CLIENT_SECRET: gh.oauthClient.clientSecret,
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: OIDC_CLIENT.clientId,
    OIDC_CLIENT_SECRET: OIDC_CLIENT.clientSecret,
    OIDC_NAME: 'Test IdP',
    CONSOLE_ROLE_RULES: JSON.stringify(RULES),
  };
  api = await startApi(apiEnv);
});

afterAll(async () => {
  await api?.stop();
  await gh?.stop();
  await oidc?.stop();
});

describe('console sign-in: providers', () => {
  it('tells the sign-in page which providers are on', async () => {
    const res = await request(api.url).get('/api/console/session/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ github: true, oidc: { name: 'Test IdP' } });
  });

  it('offers none without role rules, and refuses to start one', async () => {
    const bare = await startApi({
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CLIENT_ID: gh.oauthClient.clientId,
      GITHUB_APP_CLIENT_SECRET: gh.oauthClient.clientSecret,
    });
    try {
      const providers = await request(bare.url).get('/api/console/session/providers');
      expect(providers.body).toEqual({ github: false, oidc: null });
      const start = await request(bare.url).get('/api/console/session/github');
      expect(start.status).toBe(404);
      expect(start.text).toContain('CONSOLE_ROLE_RULES');
      expect(start.headers['set-cookie']).toBeUndefined();
    } finally {
      await bare.stop();
    }
  });

  it('answers 404 for a provider it does not know', async () => {
    const res = await request(api.url).get('/api/console/session/gitlab');
    expect(res.status).toBe(404);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('console sign-in with GitHub', () => {
  it('gives a member of a write team a write session: actions yes, admin routes no', async () => {
    const login = `shopper-${run}`;
    gh.addOrgMember('acme', login, 'shop');
    const { browser, res } = await githubSignIn(login);
    expect(res.status, res.body).toBe(302);
    expect(res.headers.location).toBe('/console/');
    // The round trip carried state and a PKCE challenge to GitHub.
    const authorize = new URL(
      browser.visited.find((u) => u.includes('/login/oauth/authorize')) ?? '',
    );
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${PUBLIC}/api/console/session/github/callback`,
    );

    const cookie = browser.session();
    expect(cookie).toBeDefined();
    const who = await whoAmI(cookie);
    expect(who.status).toBe(200);
    expect(who.body).toEqual({ name: login, scope: 'write', repository: null, via: 'github' });

    // An action route, as the person, audited with them as the actor.
    const repository = makeRepository();
    const { prisma } = api.stores;
    const { env, headSha } = await seedReadyEnvironment(prisma, repository, {
      prNumber: 1,
      dockerHost: `console-sign-in-${repository.id}`,
    });
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 1, headSha, configSnapshot: {} },
    });
    const act = await request(api.url)
      .post(`/api/v1/environments/${env.id}/redeploy`)
      .query({ wait: 0 })
      .set('Cookie', cookie ?? '')
      .set('x-berth-console', '1');
    expect(act.status, act.text).toBe(202);

    const admin = await request(api.url)
      .post('/api/v1/tokens')
      .set('Cookie', cookie ?? '')
      .set('x-berth-console', '1')
      .send({ name: 'mine', scope: 'admin' });
    expect(admin.status).toBe(403);
    expect(admin.body.detail).toBe(`this route needs the \`admin\` scope; ${login} has \`write\``);

    const id = gh.state.findAccount(login)?.id;
    const audit = await request(api.url)
      .get('/api/v1/audit')
      .query({ actor: `github:${id}` })
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        actorName: login,
        route: '/api/v1/tokens',
        status: 403,
        outcome: 'refused',
      }),
      expect.objectContaining({
        actorName: login,
        route: '/api/v1/environments/:id/redeploy',
        target: env.id,
        status: 202,
        outcome: 'succeeded',
      }),
    ]);
  });

  it('gives the most privileged role among the rules that match', async () => {
    const login = `lead-${run}`;
    gh.addOrgMember('acme', login, 'shop');
    gh.addOrgMember('acme', login, 'platform');
    const { browser } = await githubSignIn(login);
    expect((await whoAmI(browser.session())).body).toMatchObject({ scope: 'admin' });
    const member = `member-${run}`;
    gh.addOrgMember('acme', member);
    const plain = await githubSignIn(member);
    expect((await whoAmI(plain.browser.session())).body).toMatchObject({ scope: 'read' });
  });

  it('refuses a person no rule names: a page that says why, and no session cookie', async () => {
    const login = `stranger-${run}`;
    const { browser, res } = await githubSignIn(login);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('your account has no Berth role');
    expect(res.body).toContain(`GitHub user ${login}`);
    expect(res.body).toContain('CONSOLE_ROLE_RULES');
    expect(browser.apiCookies.some((c) => c.startsWith('berth_console='))).toBe(false);
    expect(browser.session()).toBeUndefined();
  });

  it('refuses a member of an org the GitHub App is not installed on', async () => {
    const login = `globex-${run}`;
    gh.addOrgMember('globex', login);
    const { browser, res } = await githubSignIn(login);
    expect(res.status).toBe(403);
    expect(browser.session()).toBeUndefined();
  });

  it('refuses a callback whose state was changed, and one replayed', async () => {
    const login = `tamper-${run}`;
    gh.addOrgMember('acme', login, 'shop');
    gh.signInAs(login);
    const browser = new Browser();
    const bent = await browser.signIn(`${PUBLIC}/api/console/session/github`, (url) => {
      if (url.pathname.endsWith('/callback')) url.searchParams.set('state', 'x'.repeat(32));
    });
    expect(bent.status).toBe(400);
    expect(bent.body).toContain('Sign-in expired');
    expect(browser.session()).toBeUndefined();

    // A good round trip, then the same callback again: the flow was spent.
    const good = await githubSignIn(login);
    expect(good.res.status).toBe(302);
    const callback = good.browser.visited.find((u) => u.includes('/github/callback')) ?? '';
    const replay = await new Browser().request(callback);
    expect(replay.status).toBe(400);
    expect([replay.headers['set-cookie'] ?? []].flat().join()).not.toContain('berth_console=');
  });

  it('refuses a callback from a browser that did not start the sign-in', async () => {
    const login = `other-${run}`;
    gh.addOrgMember('acme', login);
    gh.signInAs(login);
    const starter = new Browser();
    const start = await starter.request(`${PUBLIC}/api/console/session/github`);
    const authorize = await starter.request(String(start.headers.location));
    const callback = String(authorize.headers.location);
    expect(callback).toContain('/api/console/session/github/callback?');
    const victim = new Browser();
    const res = await victim.request(callback);
    expect(res.status).toBe(400);
    expect(victim.session()).toBeUndefined();
  });
});

describe('console sign-in with OIDC', () => {
  it('maps a group to admin, an email to write, a domain to read on some repositories', async () => {
    oidc.addUser(`admin-${run}`, {
      email: 'boss@elsewhere.test',
      emailVerified: true,
      groups: ['berth-admins'],
    });
    oidc.addUser(`ops-${run}`, { email: 'ops@example.org', emailVerified: true });
    oidc.addUser(`dev-${run}`, { email: 'Dev@Example.org', emailVerified: true });

    const admin = await oidcSignIn(`admin-${run}`);
    expect(admin.res.status, admin.res.body).toBe(302);
    const nonce = new URL(admin.browser.visited.find((u) => u.includes('/auth?')) ?? '');
    expect(nonce.searchParams.get('nonce')).toMatch(/^[\w-]{32}$/);
    expect(nonce.searchParams.get('code_challenge_method')).toBe('S256');
    expect((await whoAmI(admin.browser.session())).body).toEqual({
      name: 'boss@elsewhere.test',
      scope: 'admin',
      repository: null,
      via: 'oidc',
    });
    const audit = await request(api.url)
      .get('/api/v1/audit')
      .query({ limit: 1 })
      .set('Cookie', admin.browser.session() ?? '');
    expect(audit.status).toBe(200);

    const ops = await oidcSignIn(`ops-${run}`);
    expect((await whoAmI(ops.browser.session())).body).toMatchObject({
      name: 'ops@example.org',
      scope: 'write',
      repository: null,
    });

    const dev = await oidcSignIn(`dev-${run}`);
    expect((await whoAmI(dev.browser.session())).body).toMatchObject({
      name: 'dev@example.org',
      scope: 'read',
      repository: 'acme/*',
    });
  });

  it('refuses an unverified email, naming what a rule could match', async () => {
    oidc.addUser(`unverified-${run}`, { email: 'ops@example.org', emailVerified: false });
    const { browser, res } = await oidcSignIn(`unverified-${run}`);
    expect(res.status).toBe(403);
    expect(res.body).toContain('your account has no Berth role');
    expect(res.body).toContain('no verified email and no groups');
    expect(browser.session()).toBeUndefined();

    oidc.addUser(`nobody-${run}`, {
      email: 'someone@other.test',
      emailVerified: true,
      groups: ['x'],
    });
    const nobody = await oidcSignIn(`nobody-${run}`);
    expect(nobody.res.status).toBe(403);
    expect(nobody.res.body).toContain('email domain other.test');
    expect(nobody.res.body).toContain('OIDC group x');
    expect(nobody.browser.session()).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    oidc.addUser(`nonce-${run}`, { groups: ['berth-admins'] });
    const { browser, res } = await oidcSignIn(`nonce-${run}`, new Browser(), (url) => {
      if (url.pathname === '/auth' && url.searchParams.has('nonce')) {
        url.searchParams.set('nonce', 'n'.repeat(32));
      }
    });
    expect(res.status).toBe(401);
    expect(res.body).toContain('did not confirm who you are');
    expect(browser.session()).toBeUndefined();
  });

  it('refuses a callback whose state was changed', async () => {
    oidc.addUser(`state-${run}`, { groups: ['berth-admins'] });
    const { browser, res } = await oidcSignIn(`state-${run}`, new Browser(), (url) => {
      if (url.pathname.endsWith('/callback')) url.searchParams.set('state', 's'.repeat(32));
    });
    expect(res.status).toBe(400);
    expect(browser.session()).toBeUndefined();
  });
});

describe('console sign-in: the session', () => {
  it('is HttpOnly and SameSite=Strict, Secure behind https; the flow cookie Lax and short', async () => {
    const login = `flags-${run}`;
    gh.addOrgMember('acme', login);
    const { browser } = await githubSignIn(login, new Browser({ 'x-forwarded-proto': 'https' }));
    const flow = browser.apiCookies.find(
      (c) => c.startsWith('berth_console_flow=') && !c.includes('Max-Age=0'),
    );
    expect(flow).toMatch(
      /^berth_console_flow=[\w-]{43}; Path=\/api\/console\/session; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/,
    );
    const session = browser.apiCookies.find((c) => c.startsWith('berth_console='));
    expect(session).toMatch(
      /^berth_console=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/,
    );
    // The flow is spent with the sign-in.
    expect(browser.apiCookies).toContainEqual(
      expect.stringMatching(/^berth_console_flow=; .*Max-Age=0/),
    );
  });

  it('signs out: the cookie expires and the session ends', async () => {
    const login = `leaver-${run}`;
    gh.addOrgMember('acme', login);
    const { browser } = await githubSignIn(login);
    const cookie = browser.session() ?? '';
    expect((await request(api.url).get('/api/v1/environments').set('Cookie', cookie)).status).toBe(
      200,
    );
    const out = await request(api.url)
      .delete('/api/console/session')
      .set('Cookie', cookie)
      .set('x-berth-console', '1');
    expect(out.status).toBe(204);
    expect([out.headers['set-cookie'] ?? []].flat()[0]).toMatch(/^berth_console=; .*Max-Age=0/);
    expect((await whoAmI(cookie)).status).toBe(401);
    expect((await request(api.url).get('/api/v1/environments').set('Cookie', cookie)).status).toBe(
      401,
    );
  });

  it('applies the rules as they are now: a removed rule ends the role at once', async () => {
    const login = `demoted-${run}`;
    gh.addOrgMember('acme', login, 'platform');
    const { browser } = await githubSignIn(login);
    const cookie = browser.session() ?? '';
    expect((await whoAmI(cookie)).body).toMatchObject({ scope: 'admin' });
    // Other replicas (same Redis keys) whose operator changed the rules: the platform-team
    // rule dropped (the org rule still matches: read), then every rule dropped.
    const replicaOf = (rules: unknown[]) =>
      startApi({
        ...apiEnv,
        QUEUE_PREFIX: api.queuePrefix,
        CONSOLE_ROLE_RULES: JSON.stringify(rules),
      });
    const demoted = await replicaOf(RULES.filter((r) => r.githubTeam !== 'acme/platform'));
    try {
      const who = await request(demoted.url).get('/api/console/session').set('Cookie', cookie);
      expect(who.body).toMatchObject({ name: login, scope: 'read' });
    } finally {
      await demoted.stop();
    }
    const none = await replicaOf([]);
    try {
      const who = await request(none.url).get('/api/console/session').set('Cookie', cookie);
      expect(who.status).toBe(401);
      expect(who.body.detail).toBe(
        `${login} no longer matches any console role rule (CONSOLE_ROLE_RULES): ask an operator`,
      );
    } finally {
      await none.stop();
    }
    // This replica still has the rule.
    expect((await whoAmI(cookie)).body).toMatchObject({ scope: 'admin' });
  });

  it('keeps token sign-in for headless use', async () => {
    const res = await request(api.url).post('/api/console/session').send({ token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'BERTH_ADMIN_TOKEN',
      scope: 'admin',
      repository: null,
      via: 'token',
    });
  });
});
