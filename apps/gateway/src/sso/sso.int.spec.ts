// SSO through the real gateway (decision 0014): a browser without credentials is sent to the
// sign-in host, signs in at the GitHub emulator's OAuth web flow or at a real OIDC server
// (oidc-provider), and comes back with the preview's own session cookie via a one-time code.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayConfigSchema } from '@berth/config';
import { previewHostname } from '@berth/core';
import { createPrismaClient, type PrismaClient, SsoStore } from '@berth/db';
import { createLogger, type RunningService } from '@berth/observability';
import {
  freePort,
  type GitHubEmulator,
  httpRequest,
  type HttpResult,
  type OidcServer,
  startGitHubEmulator,
  startOidcServer,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway } from '../gateway.js';

const SECRET = 'sso-int-test-link-secret-0123456789abcdef';
const BASE_DOMAIN = 'preview.sso.test';
const run = randomBytes(3).toString('hex');
const REPO = { owner: 'acme', name: `sso${run}` };
const FULL_NAME = `${REPO.owner}/${REPO.name}`;
const OIDC_CLIENT = { clientId: 'berth-gateway', clientSecret: 'oidc-client-secret-0123456789' };

let prisma: PrismaClient;
let gh: GitHubEmulator;
let oidc: OidcServer;
let gateway: RunningService;
let gatewayPort: number;
let upstream: Server;
let environmentId: string;
let webHost: string;
const authHost = `auth.${BASE_DOMAIN}`;

interface StoredCookie {
  name: string;
  value: string;
  /** Host-only cookies match this host exactly; Domain cookies it and its subdomains. */
  host: string;
  domain: boolean;
}

/**
 * Enough of a browser: follows redirects across the gateway's hosts (sent to 127.0.0.1 with a
 * Host header, as *.test does not resolve) and the providers, keeping cookies by their scope.
 */
class Browser {
  readonly cookies: StoredCookie[] = [];
  /** Every URL visited, in order (to replay one). */
  readonly visited: string[] = [];

  async open(url: string, headers: Record<string, string> = {}, maxHops = 12): Promise<HttpResult> {
    let current = url;
    for (let hop = 0; hop < maxHops; hop += 1) {
      const res = await this.request(current, headers);
      const location = res.headers.location;
      if (res.status < 300 || res.status > 399 || !location) return res;
      current = new URL(location, current).toString();
    }
    throw new Error(`too many redirects from ${url}`);
  }

  async request(url: string, headers: Record<string, string> = {}, method = 'GET') {
    this.visited.push(url);
    const target = new URL(url);
    const host = target.hostname;
    const cookie = this.cookies
      .filter((c) => c.host === host || (c.domain && host.endsWith(`.${c.host}`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const viaGateway = host.endsWith(BASE_DOMAIN);
    const res = await httpRequest(
      viaGateway ? `http://127.0.0.1:${gatewayPort}${target.pathname}${target.search}` : url,
      {
        method,
        headers: {
          accept: 'text/html',
          ...(viaGateway ? { host: target.host } : {}),
          ...(cookie ? { cookie } : {}),
          ...headers,
        },
      },
    );
    for (const line of res.headers['set-cookie'] ?? []) this.store(line, host);
    return res;
  }

  cookieNames(): string[] {
    return this.cookies.map((c) => c.name);
  }

  private store(line: string, host: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const domain = attributes
      .map((a) => a.trim())
      .find((a) => a.toLowerCase().startsWith('domain='))
      ?.slice('domain='.length)
      .replace(/^\./, '');
    const maxAge = attributes.map((a) => a.trim()).find((a) => /^max-age=/i.test(a));
    const scope = domain ?? host;
    const kept = this.cookies.filter((c) => !(c.name === name && c.host === scope));
    this.cookies.length = 0;
    this.cookies.push(...kept);
    if (maxAge !== undefined && Number(maxAge.split('=')[1]) <= 0) return;
    this.cookies.push({ name, value, host: scope, domain: domain !== undefined });
  }
}

const previewUrl = (path = '/') => `http://${webHost}:${gatewayPort}${path}`;
const echo = (res: HttpResult) =>
  JSON.parse(res.body) as { url: string; headers: Record<string, string> };

async function setPolicy(data: Record<string, unknown>): Promise<void> {
  await prisma.repositorySettings.upsert({
    where: { fullName: FULL_NAME.toLowerCase() },
    create: { fullName: FULL_NAME.toLowerCase(), accessModes: ['sso'], ...data },
    update: data,
  });
}

beforeAll(async () => {
  const databaseUrl =
    process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  prisma = createPrismaClient(databaseUrl);
  gh = await startGitHubEmulator();
  await gh.createRepository({ ...REPO, files: { 'README.md': '# sso\n' } });
  gatewayPort = await freePort();
  oidc = await startOidcServer({
    ...OIDC_CLIENT,
    redirectUris: [`http://${authHost}:${gatewayPort}/callback/oidc`],
  });

  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));

  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: FULL_NAME,
      owner: REPO.owner,
      name: REPO.name,
      installationId: BigInt(gh.installationId),
      cloneUrl: gh.cloneUrl(FULL_NAME),
    },
  });
  const environment = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 7,
      headSha: 'b'.repeat(40),
      branch: 'feature',
      baseBranch: 'main',
    },
  });
  environmentId = environment.id;
  webHost = previewHostname(
    { repository: { ...REPO, fullName: FULL_NAME }, pr: 7 },
    'web',
    BASE_DOMAIN,
  );
  await prisma.route.create({
    data: {
      hostname: webHost,
      environmentId,
      service: 'web',
      targetHost: '127.0.0.1',
      targetPort: (upstream.address() as AddressInfo).port,
      accessMode: 'private',
    },
  });
  await setPolicy({ ssoAllowedDomains: ['example.org'], ssoGithubOrg: 'acme' });

  const config = gatewayConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_OPS_PORT: String(await freePort()),
    BASE_DOMAIN,
    PREVIEW_LINK_SECRET: SECRET,
    PREVIEW_URL_SCHEME: 'http',
    GITHUB_API_URL: gh.url,
    GITHUB_APP_ID: String(gh.app.id),
    GITHUB_APP_PRIVATE_KEY: gh.app.privateKey,
    GITHUB_APP_CLIENT_ID: gh.oauthClient.clientId,
    GITHUB_APP_CLIENT_SECRET: gh.oauthClient.clientSecret,
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: OIDC_CLIENT.clientId,
    OIDC_CLIENT_SECRET: OIDC_CLIENT.clientSecret,
    OIDC_NAME: 'Test IdP',
  });
  gateway = await startGateway(config, createLogger('berth-gateway', 'warn'));
});

afterAll(async () => {
  await gateway?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  await gh?.stop();
  await oidc?.stop();
  await prisma?.$disconnect();
});

/** Signs in with GitHub as `login` from a fresh browser, starting at /cart?x=1. */
async function githubSignIn(login: string): Promise<{ browser: Browser; res: HttpResult }> {
  gh.signInAs(login);
  const browser = new Browser();
  const start = await browser.request(previewUrl('/cart?x=1'));
  expect(start.status).toBe(302);
  const chooser = await browser.open(new URL(start.headers.location ?? '').toString());
  // Both GitHub and the OIDC provider could admit someone here: the sign-in host asks which.
  expect(chooser.status).toBe(200);
  const link = /href="(\/login\/github[^"]+)"/.exec(chooser.body)?.[1]?.replace(/&amp;/g, '&');
  expect(link).toBeDefined();
  const res = await browser.open(`http://${authHost}:${gatewayPort}${link}`);
  return { browser, res };
}

describe('SSO: GitHub sign-in', () => {
  it('lets a user who can read the repository in, back on the page they asked for', async () => {
    gh.setPermission(FULL_NAME, 'reader', 'read');
    const { browser, res } = await githubSignIn('reader');
    expect(res.status).toBe(200);
    expect(echo(res).url).toBe('/cart?x=1');
    // Neither the code nor any Berth cookie reaches the app.
    expect(echo(res).headers['cookie'] ?? '').not.toContain('berth_');
    // Sign-in host cookie is host-only on auth.<base>; the preview's cookie is the preview's.
    const signInCookie = browser.cookies.find((c) => c.name === 'berth_sso');
    expect(signInCookie).toMatchObject({ host: authHost, domain: false });
    expect(browser.cookies.some((c) => c.host === BASE_DOMAIN)).toBe(false);
    expect(browser.cookieNames().some((n) => n.startsWith('berth_access_sso_'))).toBe(true);
    // A second visit needs no sign-in.
    const again = await browser.request(previewUrl('/orders'));
    expect(again.status).toBe(200);
    expect(echo(again).url).toBe('/orders');
  });

  it('refuses a GitHub user without read access', async () => {
    const { browser, res } = await githubSignIn('stranger');
    expect(res.status).toBe(403);
    expect(res.body).toContain('No access');
    expect(browser.cookieNames().some((n) => n.startsWith('berth_access_sso_'))).toBe(false);
    const retry = await browser.request(previewUrl('/'), { accept: 'application/json' });
    expect(retry.status).toBe(401);
  });

  it('lets a member of the configured org in, without read access', async () => {
    gh.addOrgMember('acme', 'member1');
    const { res } = await githubSignIn('member1');
    expect(res.status).toBe(200);
  });

  it('redeems a one-time code once, on its own host only', async () => {
    gh.setPermission(FULL_NAME, 'reader2', 'read');
    const { browser, res } = await githubSignIn('reader2');
    expect(res.status).toBe(200);
    const callback = browser.visited.find((url) => url.includes('/.berth/callback?code='));
    expect(callback).toBeDefined();
    const replay = await new Browser().request(callback ?? '');
    expect(replay.status).toBe(400);
    expect(replay.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a session once it is revoked, within seconds', async () => {
    gh.setPermission(FULL_NAME, 'leaver', 'read');
    const { browser, res } = await githubSignIn('leaver');
    expect(res.status).toBe(200);
    expect(await new SsoStore(prisma).revoke({ login: 'leaver' }, new Date())).toBe(2);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await browser.request(previewUrl('/'), { accept: 'application/json' })).status;
    }
    expect(status).toBe(401);
    // The sign-in host's own session is revoked too: a navigation has to sign in again.
    gh.signInAs(undefined);
    const back = await browser.open(previewUrl('/'));
    expect(back.body).toContain('Sign in');
  });
});

describe('SSO: the flow cannot be bent', () => {
  it('never sends the browser off the preview host, whatever path it started on', async () => {
    gh.setPermission(FULL_NAME, 'reader3', 'read');
    gh.signInAs('reader3');
    const browser = new Browser();
    const start = await browser.request(previewUrl('//evil.example/x'));
    expect(start.status).toBe(302);
    const chooser = await browser.open(new URL(start.headers.location ?? '').toString());
    const link = /href="(\/login\/github[^"]+)"/.exec(chooser.body)?.[1]?.replace(/&amp;/g, '&');
    const res = await browser.open(`http://${authHost}:${gatewayPort}${link}`);
    expect(res.status).toBe(200);
    expect(echo(res).url).toBe('/evil.example/x');
    expect(browser.visited.at(-1)).toBe(previewUrl('/evil.example/x'));
  });

  it('refuses a provider callback whose state is not this browser’s', async () => {
    gh.signInAs('reader');
    const browser = new Browser();
    const query = new URLSearchParams({ env: environmentId, host: webHost, path: '/' });
    const login = await browser.request(`http://${authHost}:${gatewayPort}/login/github?${query}`);
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.location ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    authorize.searchParams.set('state', 'forged-state');
    const back = await browser.open(authorize.toString());
    expect(back.status).toBe(400);
    expect(back.body).toContain('Sign-in expired');
    expect(browser.cookieNames()).not.toContain('berth_sso');
  });

  it('signs out of the sign-in host by a same-origin form only', async () => {
    gh.setPermission(FULL_NAME, 'reader4', 'read');
    const { browser, res } = await githubSignIn('reader4');
    expect(res.status).toBe(200);
    const signOut = `http://${authHost}:${gatewayPort}/sign-out`;
    const forged = await browser.request(signOut, { origin: 'http://evil.example' }, 'POST');
    expect(forged.status).toBe(403);
    const out = await browser.request(
      signOut,
      { origin: `http://${authHost}:${gatewayPort}` },
      'POST',
    );
    expect(out.status).toBe(200);
    expect(browser.cookieNames()).not.toContain('berth_sso');
    // The preview's own session stays until it ends; the sign-in host asks who you are again
    // (the chooser) instead of handing another preview a code.
    const query = new URLSearchParams({ env: environmentId, host: webHost, path: '/' });
    const again = await browser.request(`http://${authHost}:${gatewayPort}/start?${query}`);
    expect(again.status).toBe(200);
    expect(again.body).toContain('Sign in with GitHub');
  });

  it('refuses to hand a code to a host that is not the environment’s', async () => {
    const query = new URLSearchParams({ env: environmentId, host: 'evil.example', path: '/' });
    const res = await new Browser().request(`http://${authHost}:${gatewayPort}/start?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('SSO: requests that cannot sign in get 401, not a redirect', () => {
  it.each([
    ['POST', { accept: 'text/html' }],
    ['OPTIONS', {}],
    ['GET', { accept: 'application/json' }],
    ['GET', { accept: '*/*' }],
  ] as const)('%s %j', async (method, headers) => {
    const res = await new Browser().request(previewUrl('/api'), headers, method);
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
  });

  it('a preflight from another origin', async () => {
    const res = await new Browser().request(
      previewUrl('/api'),
      { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      'OPTIONS',
    );
    expect(res.status).toBe(401);
  });

  it('a WebSocket', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${gatewayPort}/socket`, {
        headers: { host: `${webHost}:${gatewayPort}`, accept: 'text/html' },
      });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', reject);
    });
    expect(status).toBe(401);
  });
});

describe('SSO: OIDC sign-in', () => {
  it('signs in at a real OIDC server and lets an allowed domain in', async () => {
    oidc.addUser('ada', { email: 'ada@example.org', emailVerified: true });
    oidc.signInAs('ada');
    const browser = new Browser();
    const start = await browser.request(previewUrl('/checkout'));
    const chooser = await browser.open(new URL(start.headers.location ?? '').toString());
    const link = /href="(\/login\/oidc[^"]+)"/.exec(chooser.body)?.[1]?.replace(/&amp;/g, '&');
    expect(link).toBeDefined();
    const res = await browser.open(`http://${authHost}:${gatewayPort}${link}`);
    expect(res.status).toBe(200);
    expect(echo(res).url).toBe('/checkout');
    expect(browser.visited.some((url) => url.startsWith(oidc.issuer))).toBe(true);
  });

  it('refuses an OIDC user outside the allowed emails, domains and groups', async () => {
    oidc.addUser('eve', { email: 'eve@evil.example', emailVerified: true, groups: ['other'] });
    oidc.signInAs('eve');
    const browser = new Browser();
    const res = await browser.open(
      `http://${authHost}:${gatewayPort}/login/oidc?${new URLSearchParams({ env: environmentId, host: webHost, path: '/' }).toString()}`,
    );
    expect(res.status).toBe(403);
  });
});
