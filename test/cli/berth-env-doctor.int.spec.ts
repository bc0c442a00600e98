// `berth env …` and `berth doctor` (issue 12 item 4, decision 0032) as a new user runs them: the
// built CLI (node dist/apps/cli/src/main.js) against a whole running control plane (api, worker,
// gateway) with a one-service app as the repository. `env ls` lists the preview, `env redeploy` acts
// through the REST API v1 and follows it to ready at the next generation, the exit codes mean
// what the README says, and `doctor` is all green against the test services and the emulators
// (GitHub, Route 53, Secrets Manager) and names Redis when REDIS_URL points at a closed port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type ControlPlane,
  oneServiceCompose,
  type PullRecord,
  type Route53Emulator,
  type SecretsManagerEmulator,
  startRoute53Emulator,
  startSecretsManagerEmulator,
  TEST_MASTER_KEY,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BERTH_CLI, type CliRun, runBerth } from '../support/berth-cli.js';
import { testServices } from '../support/test-services.js';
import { removeByLabel, startPlane, uniqueRepoName } from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
let plane: ControlPlane;
let pr: PullRecord;
let r53: Route53Emulator;
let sm: SecretsManagerEmulator;

/** The built CLI against this file's control plane, as its admin. */
function berth(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runBerth(args, {
    BERTH_API_URL: plane.apiUrl,
    BERTH_ADMIN_TOKEN: plane.adminToken,
    ...env,
  });
}

/** A port nothing listens on: bound, read, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  plane = await startPlane(root);
  await plane.github.createRepository({
    owner,
    name,
    files: { 'docker-compose.yml': oneServiceCompose() },
  });
  r53 = await startRoute53Emulator();
  sm = await startSecretsManagerEmulator();
}, 120_000);

afterAll(async () => {
  if (pr?.state === 'open') {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await plane?.stop();
  await r53?.close();
  await sm?.close();
}, 300_000);

describe('berth env on the REST API v1', { timeout: 600_000 }, () => {
  it('lists the preview, shows it, redeploys it to ready at the next generation', async () => {
    pr = await plane.github.openPullRequest({ repo: repository, branch: 'cli', title: 'cli' });
    const ready = await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 300_000 });
    const target = `${repository}#${pr.number}`;

    const table = await berth(['env', 'ls', '--repo', repository]);
    expect(table.code, table.err).toBe(0);
    const [header, ...rows] = table.out.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+ENVIRONMENT\s+STATE\s+GEN\s+BRANCH\s+UPDATED\s+EXPIRES$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(
      new RegExp(
        `^${ready.id}\\s+${repository}#${pr.number}\\s+ready\\s+${ready.generation}\\s+cli\\s`,
      ),
    );
    const listed = await berth(['env', 'ls', '--repo', repository, '--state', 'ready', '--json']);
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({ id: ready.id, state: 'ready', prNumber: pr.number }),
    ]);

    const shown = await berth(['env', 'show', target]);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain(`${target} (${ready.id})`);
    expect(shown.out).toMatch(/^ {4}web: http:\/\/\S+/m);

    // Through the command path: the api queues, a worker redeploys, the CLI follows to ready.
    const redeploy = await berth(['env', 'redeploy', target, '--json']);
    expect(redeploy.code, `${redeploy.err}\n${plane.logs(80)}`).toBe(0);
    expect(redeploy.err).toBe(''); // no spinner: stderr is not a terminal
    const [action, settled] = splitJson(redeploy.out) as [
      { action: string; status: string; generation: number },
      { id: string; state: string; generation: number },
    ];
    expect(action).toMatchObject({ action: 'redeploy', status: 'redeploying' });
    expect(action.generation).toBeGreaterThan(ready.generation);
    expect(settled).toMatchObject({ id: ready.id, state: 'ready', generation: action.generation });
    const row = await plane.environment(repository, pr.number);
    expect(row).toMatchObject({ state: 'ready', generation: action.generation });

    // Human form, by id, without following: the answer as soon as a worker took the job.
    const quick = await berth(['env', 'redeploy', ready.id, '--no-follow']);
    expect(quick.code, quick.err).toBe(0);
    expect(quick.out.trim()).toBe(`${target}: redeploying generation ${action.generation + 1}`);
    await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 300_000 });

    const link = await berth(['env', 'link', target, '--ttl', '2h', '--json']);
    expect(link.code, link.err).toBe(0);
    expect(JSON.parse(link.out)).toMatchObject({
      environmentId: ready.id,
      status: 'active',
      links: { web: expect.stringMatching(/^http:\/\//) },
    });
  });

  it('`env logs` prints the tail; `-f` follows until the preview is destroyed', async () => {
    const target = `${repository}#${pr.number}`;
    const tail = await berth(['env', 'logs', target, '--service', 'web', '--tail', '20']);
    expect(tail.code, `${tail.err}\n${plane.logs(40)}`).toBe(0);
    expect(tail.out.split('\n')).toContain('listening on 8080');
    const unknown = await berth(['env', 'logs', target, '--service', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain(`has no service "nope"`);

    // Following: the stream stays open until the container stops, here by `env destroy`.
    const out: string[] = [];
    const follower = spawn(
      process.execPath,
      [BERTH_CLI, 'env', 'logs', target, '--service', 'web', '-f', '--json'],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          BERTH_API_URL: plane.apiUrl,
          BERTH_ADMIN_TOKEN: plane.adminToken,
        },
      },
    );
    follower.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => follower.on('exit', resolve));
    await waitFor(
      'the followed log line',
      async () => (out.join('').includes('listening on 8080') ? true : undefined),
      60_000,
    );
    const first = JSON.parse(out.join('').split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ service: 'web', stream: 'stdout', line: 'listening on 8080' });
    expect(Date.parse(first['time'] as string)).not.toBeNaN();

    const destroyed = await berth(['env', 'destroy', target]);
    expect(destroyed.code, destroyed.err).toBe(0);
    expect(destroyed.out.trimEnd().split('\n').at(-1)).toBe(`${target} is destroyed`);
    expect(await exited).toBe(0);
  });

  it('exits 1 refused, 2 usage, 3 not found, 4 bad token, 5 unreachable', async () => {
    const created = await berth(['token', 'create', 'cli-read', '--scope', 'read', '--json']);
    expect(created.code, created.err).toBe(0);
    const readToken = (JSON.parse(created.out) as { token: string }).token;
    const target = `${repository}#${pr.number}`;

    const refused = await berth(['env', 'redeploy', target], { BERTH_TOKEN: readToken });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/needs the `write` scope/);
    const listed = await berth(['env', 'ls', '--repo', repository, '--json'], {
      BERTH_TOKEN: readToken,
    });
    expect(listed.code, listed.err).toBe(0);

    const usage = await berth(['env', 'redeploy']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("missing required argument 'env'");
    const missing = await berth(['env', 'show', `${repository}#9999`]);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain(`no environment for ${repository}#9999`);
    const badToken = await berth(['env', 'ls'], { BERTH_TOKEN: 'berth_not-a-token' });
    expect(badToken.code).toBe(4);
    const unreachable = await berth(['env', 'ls'], {
      BERTH_API_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(unreachable.code).toBe(5);
    expect(unreachable.err).toContain('cannot reach the Berth api');
  });
});

describe('berth repo on the REST API v1', { timeout: 60_000 }, () => {
  it('changes settings with the `repo set` flags, shows them, and lists the repository', async () => {
    const changed = await berth(['repo', 'settings', repository, '--ttl', '48', '--json']);
    expect(changed.code, changed.err).toBe(0);
    expect(JSON.parse(changed.out)).toMatchObject({
      fullName: repository,
      configured: true,
      defaultTtlHours: 48,
    });
    const shown = await berth(['repo', 'settings', repository]);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^ {2}default TTL: +48h$/m);
    const listed = await berth(['repo', 'ls']);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out.split('\n')[0]).toMatch(/^REPOSITORY\s+ENABLED\s+ACCESS\s+TTL\s+DB MODE$/);
    expect(listed.out).toMatch(new RegExp(`^${repository}\\s+true\\s+\\S+.*\\s48h\\s`, 'm'));
    const bad = await berth(['repo', 'settings', repository, '--ttl', '90m']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--ttl: must be whole hours');
  });
});

describe('berth doctor', { timeout: 120_000 }, () => {
  /** The control plane's own variables, as an operator's env file holds them. */
  function controlPlaneEnv(): Record<string, string> {
    const { databaseUrl, redisUrl } = testServices();
    const zone = r53.createZone('preview.example.test');
    return {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      GITHUB_API_URL: plane.github.url,
      GITHUB_APP_ID: String(plane.github.app.id),
      GITHUB_APP_PRIVATE_KEY: plane.github.app.privateKey,
      BERTH_MASTER_KEY: TEST_MASTER_KEY,
      PREVIEW_LINK_SECRET: plane.linkSecret,
      BASE_DOMAIN: 'preview.example.test',
      DNS_PROVIDER: 'route53',
      ROUTE53_HOSTED_ZONE_ID: zone,
      DNS_TARGET: '127.0.0.1',
      SECRET_BACKEND: 'aws',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'doctor-test-secret',
      AWS_ENDPOINT_URL_ROUTE_53: r53.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
    };
  }

  it('is all green against the running control plane, the test services and the emulators', async () => {
    const result = await berth(['doctor', '--json'], controlPlaneEnv());
    expect(result.err).toBe('');
    const report = JSON.parse(result.out) as {
      ok: boolean;
      checks: { name: string; status: string; detail: string; fix?: string }[];
    };
    expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(result.code).toBe(0);
    expect(report.checks.map((c) => c.name)).toEqual([
      'config',
      'api',
      'docker',
      'postgres',
      'migrations',
      'redis',
      'github-app',
      'dns',
      'route53',
      'secrets-manager',
    ]);
    const detail = Object.fromEntries(report.checks.map((c) => [c.name, c.detail]));
    expect(detail['api']).toMatch(/token valid, scope admin$/);
    expect(detail['docker']).toMatch(/^Docker \S+ at .*memory, CPU and pids limits enforced$/);
    expect(detail['github-app']).toContain(`app ${plane.github.app.id}`);
    expect(detail['migrations']).toMatch(/^all \d+ applied/);
  });

  it('names Redis, what is wrong and the fix, when REDIS_URL points at a closed port', async () => {
    const port = await closedPort();
    const env = { ...controlPlaneEnv(), REDIS_URL: `redis://127.0.0.1:${port}` };
    const human = await berth(['doctor'], env);
    expect(human.code, human.err).toBe(1);
    expect(human.out).toMatch(
      new RegExp(`^FAIL {2}redis +Redis at 127\\.0\\.0\\.1:${port} is not answering`, 'm'),
    );
    expect(human.out).toMatch(/^ +fix: Check that Redis is running .* REDIS_URL is right\.$/m);
    expect(human.out).toMatch(/^ok {4}postgres /m);
    expect(human.out.trimEnd().split('\n').at(-1)).toBe('1 check(s) failed: redis');
  });
});

/** The CLI's --json answers, one document after another. */
function splitJson(text: string): unknown[] {
  const docs: unknown[] = [];
  for (const chunk of text.split(/\n(?=[[{])/)) if (chunk.trim()) docs.push(JSON.parse(chunk));
  return docs;
}
