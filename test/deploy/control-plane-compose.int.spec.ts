// The control plane as an operator runs it: the top-level docker-compose.yml (docker-compose
// v1 here), Berth's own images built from deploy/Dockerfile, against this machine's engine and
// the GitHub emulator. One PR preview is provisioned through it and must answer through the
// containerised gateway; from inside that preview, the control plane's Postgres, Redis and
// Docker socket must be out of reach; closing the PR must leave nothing behind.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { shareLink, signShareToken } from '@berth/core';
import {
  type EnvironmentView,
  freePort,
  type GitHubEmulator,
  httpRequest,
  oneServiceCompose,
  startGitHubEmulator,
  StopWaiting,
  waitFor,
} from '@berth/testing';
import Docker from 'dockerode';
import { removeByLabel } from '../e2e/preview-session.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const docker = new Docker();
const root = fileURLToPath(new URL('../../', import.meta.url));
const project = `berthit${randomBytes(3).toString('hex')}`;
const repository = `acme/deployed${randomBytes(3).toString('hex')}`;
// A pool of its own: other test files' workers allocate from 10.210.0.0/16 on the same engine.
const SUBNET_POOL = '10.216.0.0/20';

interface Ports {
  api: number;
  worker: number;
  gateway: number;
  gatewayOps: number;
  postgres: number;
  redis: number;
}

let github: GitHubEmulator;
let envDir: string;
let ports: Ports;
const secrets = {
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
  REDIS_PASSWORD: randomBytes(12).toString('hex'),
  GITHUB_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
  API_TOKEN: randomBytes(24).toString('hex'),
  PREVIEW_LINK_SECRET: randomBytes(32).toString('hex'),
  BERTH_MASTER_KEY: randomBytes(32).toString('base64'),
};

function compose(...args: string[]) {
  return run(
    'docker-compose',
    ['--project-name', project, '--env-file', join(envDir, '.env'), ...args],
    { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 },
  );
}

const api = (path: string) =>
  httpRequest(`http://127.0.0.1:${ports.api}${path}`, {
    headers: { authorization: `Bearer ${secrets.API_TOKEN}` },
  });

async function environment(pr: number): Promise<EnvironmentView | undefined> {
  const list = await api(`/api/v1/environments?repository=${encodeURIComponent(repository)}`);
  if (list.status !== 200) throw new Error(`list: ${list.status} ${list.body}`);
  const { environments } = JSON.parse(list.body) as { environments: EnvironmentView[] };
  const found = environments.find((e) => e.prNumber === pr);
  if (!found) return undefined;
  const detail = await api(`/api/v1/environments/${found.id}`);
  return JSON.parse(detail.body) as EnvironmentView;
}

async function logs(): Promise<string> {
  // The worker and the gateway say why a preview is not ready; the api's request log would bury it.
  const { stdout } = await compose(
    'logs',
    '--no-color',
    '--tail=80',
    'migrate',
    'worker',
    'gateway',
  ).catch(() => ({
    stdout: '(no logs)',
  }));
  return stdout;
}

/** From inside a preview container: can it open a TCP connection to host:port? */
async function canConnect(container: string, host: string, port: number): Promise<string> {
  const exec = await docker.getContainer(container).exec({
    Cmd: [
      'perl',
      '-e',
      'use IO::Socket::INET; my $s = IO::Socket::INET->new(PeerAddr => $ARGV[0], Timeout => 3); ' +
        'print $s ? "connected" : "refused: $@"',
      `${host}:${port}`,
    ],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  // Docker multiplexes stdout and stderr into frames; demux keeps only the text.
  docker.modem.demuxStream(stream, out, out);
  await new Promise((resolve) => stream.on('end', resolve));
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  ports = {
    api: await freePort(),
    worker: await freePort(),
    gateway: await freePort(),
    gatewayOps: await freePort(),
    postgres: await freePort(),
    redis: await freePort(),
  };
  github = await startGitHubEmulator({
    webhook: {
      url: `http://127.0.0.1:${ports.api}/webhooks/github`,
      secret: secrets.GITHUB_WEBHOOK_SECRET,
    },
  });
  envDir = await mkdtemp(join(tmpdir(), 'berth-deploy-'));
  const env: Record<string, string> = {
    ...secrets,
    BERTH_NODE_IMAGE: 'berth-fixture/node:24',
    BERTH_POSTGRES_IMAGE: 'berth-fixture/postgres:15',
    BERTH_REDIS_IMAGE: 'berth-fixture/redis:7',
    BERTH_IMAGE_PREFIX: 'berth-it',
    BERTH_POSTGRES_PORT: String(ports.postgres),
    BERTH_REDIS_PORT: String(ports.redis),
    API_PORT: String(ports.api),
    WORKER_PORT: String(ports.worker),
    GATEWAY_PORT: String(ports.gateway),
    GATEWAY_OPS_PORT: String(ports.gatewayOps),
    GATEWAY_HOST: '127.0.0.1',
    QUEUE_PREFIX: project,
    GITHUB_API_URL: github.url,
    GITHUB_APP_ID: String(github.app.id),
    // compose v1's env file takes one line per value: the PEM goes in with escaped newlines,
    // which the config loader turns back into a key.
    GITHUB_APP_PRIVATE_KEY: github.app.privateKey.replaceAll('\n', '\\n'),
    BASE_DOMAIN: 'localhost',
    PREVIEW_URL_SCHEME: 'http',
    PREVIEW_URL_PORT: String(ports.gateway),
    SUBNET_POOL,
    ALLOWED_OWNERS: 'acme',
    BERTH_ETC_DIR: envDir,
    BERTH_SNAPSHOT_DIR: envDir,
    DOCKER_HOST_NAME: project,
    // The engine is shared with other runs, whose environments this plane's database does not
    // know: no scheduled reconciler (decision 0018), or it would take their objects for orphans.
    RECONCILE_INTERVAL_S: '0',
    LOG_LEVEL: 'info',
  };
  await writeFile(
    join(envDir, '.env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  await compose('build');
  await compose('up', '-d');
  await waitFor(
    'the control plane to be ready',
    async () => {
      const [a, g] = await Promise.all([
        httpRequest(`http://127.0.0.1:${ports.api}/readyz`, { timeoutMs: 2_000 }),
        httpRequest(`http://127.0.0.1:${ports.gatewayOps}/readyz`, { timeoutMs: 2_000 }),
      ]);
      return a.status === 200 && g.status === 200 ? true : undefined;
    },
    180_000,
    500,
  ).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${await logs()}`);
  });
}, 20 * 60_000);

afterAll(async () => {
  await compose('down', '--volumes', '--remove-orphans', '--timeout', '5').catch(() => undefined);
  // A failed run never closes its PR: remove what the plane made for it, or it outlives the test.
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await github?.stop();
  if (envDir) await rm(envDir, { recursive: true, force: true });
}, 120_000);

describe('the control plane from docker-compose.yml', () => {
  it('provisions a PR preview reachable through its gateway, which previews cannot reach past', async () => {
    const [owner, name] = repository.split('/') as [string, string];
    await github.createRepository({
      owner,
      name,
      files: { 'docker-compose.yml': oneServiceCompose() },
    });
    const pr = await github.openPullRequest({ repo: repository, branch: 'feature', title: 'x' });

    const env = await waitFor(
      `${repository}#${pr.number} to be ready`,
      async () => {
        const e = await environment(pr.number);
        if (e?.state === 'failed') throw new StopWaiting(JSON.stringify(e.stages));
        return e?.state === 'ready' ? e : undefined;
      },
      240_000,
      500,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n${await logs()}`);
    });
    const url = env.urls?.['web'];
    expect(url).toBeDefined();
    const target = new URL(url as string);
    const viaGateway = (path: string, headers: Record<string, string> = {}) =>
      httpRequest(`http://127.0.0.1:${ports.gateway}${path}`, {
        headers: { host: target.host, ...headers },
      });

    // Private by default: nothing without a link, the app once the link is opened.
    expect((await viaGateway('/')).status).toBe(401);
    // Signed here with the deployment's secret, as the api does: a link id no row names is
    // not revoked, so the gateway admits it (minting itself is covered by the api's specs).
    const token = signShareToken(secrets.PREVIEW_LINK_SECRET, {
      environmentId: env.id,
      expiresAt: new Date(Date.now() + 600_000),
      linkId: randomUUID(),
    });
    const login = await viaGateway(
      new URL(shareLink(url as string, token)).pathname +
        new URL(shareLink(url as string, token)).search,
    );
    expect(login.status).toBe(302);
    const cookie = String([login.headers['set-cookie'] ?? []].flat()[0]).split(';')[0] ?? '';
    const page = await viaGateway('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toBe('ok\n');

    // From inside the preview: the control plane's data stores and engine are out of reach.
    const [container] = await docker.listContainers({
      filters: { label: [`berth.repo=${repository}`, `berth.pr=${pr.number}`] },
    });
    expect(container).toBeDefined();
    const id = (container as Docker.ContainerInfo).Id;
    const networks = Object.values(
      (container as Docker.ContainerInfo).NetworkSettings.Networks ?? {},
    );
    const gatewayIp = networks[0]?.Gateway;
    expect(gatewayIp).toMatch(/^10\.216\./);
    for (const [what, host, port] of [
      ['Postgres via the host bridge', gatewayIp as string, ports.postgres],
      ['Redis via the host bridge', gatewayIp as string, ports.redis],
      ['Postgres on loopback', '127.0.0.1', ports.postgres],
      ['Redis on loopback', '127.0.0.1', ports.redis],
      ['the Docker API', gatewayIp as string, 2375],
      ["the worker's ops port", gatewayIp as string, ports.worker],
      ["the gateway's ops port", gatewayIp as string, ports.gatewayOps],
    ] as const) {
      expect(`${what}: ${await canConnect(id, host, port)}`).toMatch(/^[^:]+: refused: /);
    }
    const socket = await docker
      .getContainer(id)
      .inspect()
      .then((c) => c.Mounts.map((m) => m.Source));
    expect(socket).not.toContain('/var/run/docker.sock');

    await github.closePullRequest(pr);
    await waitFor(
      `${repository}#${pr.number} to be destroyed`,
      async () => ((await environment(pr.number))?.state === 'destroyed' ? true : undefined),
      120_000,
      500,
    );
    const filters = { label: [`berth.repo=${repository}`] };
    const [containers, nets, volumes] = await Promise.all([
      docker.listContainers({ all: true, filters }),
      docker.listNetworks({ filters }),
      docker.listVolumes({ filters }),
    ]);
    expect({
      containers: containers.length,
      networks: nets.length,
      volumes: volumes.Volumes?.length ?? 0,
    }).toEqual({ containers: 0, networks: 0, volumes: 0 });
  }, 600_000);
});
