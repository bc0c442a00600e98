// `berth sessions list|revoke` (in process) against the real api and database: an operator
// signs a person out of every preview, or everyone out of one preview.
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { runCli } from '../../apps/cli/src/berth.js';

let api: ApiHarness;
const run = randomBytes(3).toString('hex');
const repo = `acme/cli-sess${run}`;

async function berth(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { BERTH_API_URL: api.url, BERTH_ADMIN_TOKEN: ADMIN_TOKEN },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  api = await startApi();
  const prisma = api.stores.prisma;
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repo,
      owner: 'acme',
      name: `cli-sess${run}`,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${repo}.git`,
    },
  });
  const environment = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 5,
      headSha: 'd'.repeat(40),
      branch: 'b',
      baseBranch: 'main',
    },
  });
  const expiresAt = new Date(Date.now() + 3_600_000);
  for (const [login, environmentId] of [
    [`ada${run}`, null],
    [`ada${run}`, environment.id],
    [`bob${run}`, environment.id],
  ] as const) {
    await prisma.ssoSession.create({
      data: { environmentId, provider: 'github', subject: login, login, expiresAt },
    });
  }
});
afterAll(async () => {
  await api?.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repo } });
  await api?.stop();
});

describe('berth sessions', () => {
  it('lists and revokes by preview, then by person', async () => {
    const listed = await berth('sessions', 'list', '--env', `${repo}#5`);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`ada${run} (github)`);
    expect(listed.out).toContain(`bob${run} (github)`);
    expect(await berth('sessions', 'revoke', '--env', `${repo}#5`)).toMatchObject({
      code: 0,
      out: '2 sessions revoked',
    });
    expect(await berth('sessions', 'revoke', '--user', `ada${run}`)).toMatchObject({
      code: 0,
      out: '1 session revoked',
    });
    expect((await berth('sessions', 'list', '--user', `ada${run}`)).out).toBe('no live sessions');
  });

  it('names an unknown preview', async () => {
    const result = await berth('sessions', 'revoke', '--env', `${repo}#404`);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`no preview environment for ${repo}#404`);
  });
});

describe('berth repo set: SSO flags', () => {
  it('stores who may sign in and shows it back', async () => {
    const set = await berth(
      'repo',
      'set',
      repo,
      '--access',
      'sso',
      '--sso-github-org',
      'acme',
      '--sso-allow-domain',
      'Example.com',
      '--sso-allow-group',
      'previewers',
    );
    expect(set.code).toBe(0);
    expect(set.out).toContain('SSO GitHub org:     acme');
    const more = await berth('repo', 'set', repo, '--sso-allow-email', 'ada@corp.example');
    expect(more.out).toContain(
      'SSO allowed (OIDC): ada@corp.example, @example.com, group previewers',
    );
    const bad = await berth('repo', 'set', repo, '--sso-allow-domain', 'not a domain');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--sso-allow-domain');
  });
});
