// `berth secret set|ls|rm|rotate-key` and `berth repo set --fork-secrets` (in process) against
// the real api and database: values go in on standard input and never come back out.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { runCli } from '../../apps/cli/src/berth.js';

let api: ApiHarness;
const run = randomBytes(3).toString('hex');
const owner = `clisec${run}`;
const repo = `${owner}/shop`;
const VALUE = `sk_live_looking_${randomBytes(10).toString('hex')}`;

async function berth(argv: string[], stdin?: string, tokens: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { BERTH_API_URL: api.url, BERTH_ADMIN_TOKEN: ADMIN_TOKEN, ...tokens },
    {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      ...(stdin === undefined ? {} : { stdin: async () => stdin }),
    },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  api = await startApi({ BERTH_MASTER_KEY: randomBytes(32).toString('base64') });
});
afterAll(async () => {
  await api?.stores.prisma.secret.deleteMany({ where: { scope: { contains: owner } } });
  await api?.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repo } });
  await api?.stop();
});

describe('berth secret', () => {
  it('sets values from standard input and references by flag, per layer, and lists names only', async () => {
    expect(await berth(['secret', 'set', repo, 'api_key'], `${VALUE}\n`)).toMatchObject({
      code: 0,
      out: `api_key: set in the repository layer of ${repo}`,
    });
    expect(
      (await berth(['secret', 'set', `${repo}#4`, 'stripe', '--reference', 'shop/stripe#key']))
        .code,
    ).toBe(0);
    expect(
      (await berth(['secret', 'set', '--owner', owner, 'sentry_dsn'], 'https://dsn')).out,
    ).toBe(`sentry_dsn: set in the installation layer of ${owner}'s installation`);
    const listed = await berth(['secret', 'ls', `${repo}#4`]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^api_key\s+repository\s+\(value\)/m);
    expect(listed.out).toMatch(/^sentry_dsn\s+installation\s+\(value\)/m);
    expect(listed.out).toMatch(/^stripe\s+pull_request\s+→ shop\/stripe#key/m);
    expect(listed.out).not.toContain(VALUE);
    // The trailing newline of the terminal is not part of the value.
    const stored = await api.stores.prisma.secret.count({
      where: { scope: `repository:${repo}`, name: 'api_key' },
    });
    expect(stored).toBe(1);
  });

  it('says what is wrong and how to fix it', async () => {
    expect(await berth(['secret', 'set', repo, 'api_key'], '')).toMatchObject({
      code: 2,
      err: expect.stringContaining('no value on standard input') as string,
    });
    expect((await berth(['secret', 'set', 'acme', 'x'], 'v')).err).toContain('owner/name#pr');
    const badName = await berth(['secret', 'set', repo, 'API-KEY'], 'v');
    expect(badName.code).toBe(1);
    expect(badName.err).toContain('such as api_key');
  });

  it('removes an entry, and fails when there is none', async () => {
    expect((await berth(['secret', 'rm', '--owner', owner, 'sentry_dsn'])).code).toBe(0);
    const again = await berth(['secret', 'rm', '--owner', owner, 'sentry_dsn']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('no installation secret named sentry_dsn');
  });

  it('goes through the REST API v1 with BERTH_TOKEN: its scope and restriction apply', async () => {
    // A v1 token the /admin/v1 routes would not take: lists with `read`, may not write.
    const created = await berth([
      'token',
      'create',
      'secrets-reader',
      '--scope',
      'read',
      '--repo',
      repo,
      '--json',
    ]);
    expect(created.code).toBe(0);
    const reader = { BERTH_TOKEN: (JSON.parse(created.out) as { token: string }).token };
    const listed = await berth(['secret', 'ls', repo, '--json'], undefined, reader);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({ layer: 'repository', name: 'api_key', kind: 'value' }),
    ]);
    const refused = await berth(['secret', 'set', repo, 'other'], 'v', reader);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('admin');
    expect(await berth(['secret', 'ls', 'someone/else'], undefined, reader)).toMatchObject({
      code: 3,
    });
    // Not there: exit 3 (not found), naming the secret.
    const missing = await berth(['secret', 'rm', `${repo}#4`, 'nothing_here']);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('no pull_request secret named nothing_here');
  });

  it('rotates the master key and says when the previous key can go', async () => {
    const rotated = await berth(['secret', 'rotate-key', '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.out)).toMatchObject({ rewrapped: 0 });
  });

  it('lets the operator give fork PRs the secret layers', async () => {
    const on = await berth(['repo', 'set', repo, '--fork-secrets']);
    expect(on.code).toBe(0);
    expect(on.out).toContain('fork PR secrets:    secret layers too');
    const off = await berth(['repo', 'set', repo, '--no-fork-secrets']);
    expect(off.out).toContain('fork PR secrets:    generated only (default)');
  });
  it('lets the operator allow build secrets by name, adding to the list', async () => {
    const first = await berth(['repo', 'set', repo, '--allow-build-secret', 'npm_token']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('build secrets:      npm_token');
    const second = await berth(['repo', 'set', repo, '--allow-build-secret', 'sentry', '--json']);
    expect(JSON.parse(second.out)).toMatchObject({ buildSecrets: ['npm_token', 'sentry'] });
    const bad = await berth(['repo', 'set', repo, '--allow-build-secret', 'Bad-Name']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('--allow-build-secret');
    const off = await berth(['repo', 'set', repo, '--no-build-secrets']);
    expect(off.out).toContain('build secrets:      none');
  });
});
