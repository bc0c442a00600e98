// Compose files people have, through the whole pipeline: every stack under
// test/fixtures/compose-corpus is pushed to the GitHub emulator exactly as it is (compose.yaml,
// overrides, extends, shared build contexts, hostname, profiles, repository bind mounts, configs
// and file secrets) and opened as a PR, all at once. Each is either provisioned by the real
// worker, its URLs answering through the gateway (401 without a share link, 200 with one) and
// its services reaching the dependencies they name, or refused with every offending field named
// in the PR comment. Closing the PRs leaves nothing behind.
//
// No public registry is reachable here: official images the corpus names (python, ruby, a JDK,
// Go, nginx, MySQL, MongoDB, RabbitMQ, Kafka, WordPress) are stand-ins under the official names
// that keep the interface a compose file relies on (./official-standins.ts); Postgres and Redis
// are the real fixture servers. The compose files themselves are unmodified.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARE_TOKEN_PARAM, shareLink } from '@berth/core';
import { ControlPlane, type EnvironmentView, type PullRecord } from '@berth/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { prepareOfficialStandins } from './official-standins.js';
import {
  envUrl,
  execIn,
  PreviewBrowser,
  removeByLabel,
  resourcesOf,
  serviceContainer,
  uniqueRepoName,
} from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(root, 'test/fixtures/compose-corpus');
// Measured from when the PR opens: a dozen stacks share the host's two cores.
const READY_TIMEOUT_MS = 300_000;
const docker = new Docker();
let plane: ControlPlane;

interface Opened {
  stack: string;
  repository: string;
  pr: PullRecord;
  files: Record<string, string>;
  /** The environment once it is ready (or failed, for a refused stack). */
  settled: Promise<EnvironmentView>;
  /** Set once its test closed the PR: resolves when everything is gone. */
  destroyed?: Promise<void>;
}
const opened = new Map<string, Opened>();

function corpusFiles(stack: string): Record<string, string> {
  const dir = join(CORPUS, stack);
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Polls the api once a second (a dozen PRs at once) until the PR's environment is in `state`. */
async function settle(repository: string, prNumber: number, state: string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let seen: EnvironmentView | undefined;
  while (Date.now() < deadline) {
    seen = await plane.environment(repository, prNumber);
    if (seen?.state === state) return seen;
    if (seen?.state === 'failed' && state === 'ready') {
      throw new Error(
        `${repository}#${prNumber} failed: ${JSON.stringify(seen.stages)}\n` +
          plane.github
            .comments(repository, prNumber)
            .map((c) => c.body)
            .join('\n'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(
    `${repository}#${prNumber} not ${state} within ${READY_TIMEOUT_MS} ms: ` +
      `last seen ${seen?.state}, stages ${JSON.stringify(seen?.stages)}\n${plane.logs()}`,
  );
}

/** The head's check runs once `count` of them (oldest first) have reached `status`. */
async function checkRunsWhen(repository: string, sha: string, status: string, count = 1) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs = plane.github.checkRuns(repository, sha);
    if (runs.filter((r) => r.status === status).length >= count || Date.now() > deadline) {
      return runs.sort((a, b) => a.id - b.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The PR's environment once it is ready at `generation` (or later). */
async function settleAt(repository: string, prNumber: number, generation: number) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const seen = await plane.environment(repository, prNumber);
    if (seen?.state === 'ready' && seen.generation >= generation) return seen;
    if (Date.now() > deadline)
      throw new Error(`not ready at generation ${generation}: ${seen?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function open(stack: string, state: 'ready' | 'failed'): Promise<void> {
  const files = corpusFiles(stack);
  const repository = `acme/${uniqueRepoName()}`;
  const [owner, name] = repository.split('/') as [string, string];
  await plane.github.createRepository({ owner, name, files });
  const pr = await plane.github.openPullRequest({
    repo: repository,
    branch: 'feat/x',
    title: stack,
  });
  const settled = settle(repository, pr.number, state);
  settled.catch(() => undefined); // awaited by the stack's own test
  opened.set(stack, { stack, repository, pr, files, settled });
}

async function environmentOf(stack: string) {
  const entry = opened.get(stack);
  if (!entry) throw new Error(`${stack} was not opened`);
  return { ...entry, env: await entry.settled };
}

/** 401 through the gateway without a share link, then 200 with one; returns the body. */
async function answers(env: EnvironmentView, service: string, path = '/'): Promise<string> {
  const url = new URL(path, envUrl(env, service)).toString();
  const anonymous = await plane.viaGateway(url);
  expect(anonymous.status, `${service} without a link`).toBe(401);
  const browser = new PreviewBrowser(plane, env);
  // Ready means started (or healthy, where the file has a healthcheck): a process may still be
  // a moment from listening, and the gateway says so (502) rather than guessing.
  let res = await browser.request(url);
  for (const until = Date.now() + 30_000; res.status === 502 && Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    res = await browser.request(url);
  }
  expect(res.status, `${service}: ${res.body}`).toBe(200);
  return res.body;
}

/** A stand-in app server's report: its command line and each dependency's reachability. */
interface Report {
  argv: string[];
  env: Record<string, string>;
  deps: Record<string, string>;
}
async function report(env: EnvironmentView, service: string): Promise<Report> {
  return JSON.parse(await answers(env, service)) as Report;
}

/** A websocket handshake through the gateway with the share link's cookie; the answer's head. */
async function upgrade(env: EnvironmentView, url: string, key: string): Promise<string[]> {
  const { links } = await plane.mintShareLink(String(env['repository']), env.prNumber);
  const token = new URL(Object.values(links)[0] ?? url).searchParams.get(SHARE_TOKEN_PARAM) ?? '';
  const login = await plane.viaGateway(shareLink(url, token));
  const cookie = [login.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0] ?? '';
  return new Promise((resolve, reject) => {
    const socket = connect(plane.gatewayPort, '127.0.0.1', () =>
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${new URL(url).host}\r\nCookie: ${cookie}\r\n` +
          `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: ${key}\r\n\r\n`,
      ),
    );
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer to the upgrade')));
    socket.once('data', (data) => {
      resolve(data.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

async function inspect(repository: string, pr: number, service: string) {
  const container = await serviceContainer(repository, pr, service);
  return docker.getContainer(container.Id).inspect();
}

async function running(repository: string, pr: number, ...services: string[]) {
  for (const service of services) {
    const state = (await inspect(repository, pr, service)).State;
    expect(state.Running, `${service}: ${JSON.stringify(state)}`).toBe(true);
  }
}

/** Closes the PR; the last test waits for every environment to be destroyed. */
function close(stack: string): void {
  const entry = opened.get(stack)!;
  entry.destroyed = (async () => {
    await plane.github.closePullRequest(entry.pr);
    await settle(entry.repository, entry.pr.number, 'destroyed');
  })();
  entry.destroyed.catch(() => undefined);
}

const PROVISIONED = [
  'nginx-nodejs-redis',
  'static-site',
  'django-celery',
  'rails-sidekiq',
  'spring-mysql',
  'nextjs-prisma',
  'go-mongo',
  'websocket-chat',
  'wordpress-mysql',
  'kafka-streams',
  'rabbitmq-workers',
  'react-express-mongo',
  'flask-redis-override',
];
const REFUSED = ['dev-host-mounts', 'ci-runner-hostile'];

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  const [started] = await Promise.all([
    ControlPlane.start({
      root,
      databaseUrl,
      redisUrl,
      logLevel: 'info',
      // Every stack at once: more environments in flight than the default two.
      appEnv: { worker: { WORKER_CONCURRENCY: '8' } },
    }),
    prepareOfficialStandins(root),
  ]);
  plane = started;
  for (const stack of PROVISIONED) await open(stack, 'ready');
  for (const stack of REFUSED) await open(stack, 'failed');
}, 180_000);

afterAll(async () => {
  await Promise.all(
    [...opened.values()].map(async ({ repository, pr, destroyed }) => {
      if (!destroyed) await plane.github.closePullRequest(pr).catch(() => undefined);
      await (destroyed ?? settle(repository, pr.number, 'destroyed')).catch(() => undefined);
      await removeByLabel(`berth.repo=${repository}`);
      const images = await docker.listImages({ filters: { label: [`berth.repo=${repository}`] } });
      for (const image of images) {
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }),
  );
  await plane?.stop();
}, 300_000);

describe('compose corpus through the pipeline', { timeout: READY_TIMEOUT_MS + 30_000 }, () => {
  it('covers every stack of the corpus', () => {
    const stacks = readdirSync(CORPUS, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...PROVISIONED, ...REFUSED].sort()).toEqual(stacks.sort());
  });

  it('nginx-nodejs-redis: found as compose.yaml, one build for web1 and web2, no URL for Redis', async () => {
    const { repository, pr, env } = await environmentOf('nginx-nodejs-redis');
    expect(Object.keys(env.urls ?? {}).sort()).toEqual(['nginx', 'web1', 'web2']);
    const web1 = await inspect(repository, pr.number, 'web1');
    expect(web1.Image).toBe((await inspect(repository, pr.number, 'web2')).Image);
    // nginx balances both web services (its nginx.conf upstream), each answering with its
    // compose `hostname:`.
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await answers(env, 'nginx')).trim());
    expect([...seen].sort()).toEqual(['web: web1', 'web: web2']);
    expect(await answers(env, 'web1')).toBe('web: web1\n');
    await running(repository, pr.number, 'redis');
    close('nginx-nodejs-redis');
  });

  it('static-site: the repository’s public/ and its config file are served, from the checkout', async () => {
    const { repository, pr, env, files } = await environmentOf('static-site');
    expect(Object.keys(env.urls ?? {})).toEqual(['site']);
    expect(await answers(env, 'site')).toBe(files['public/index.html']);
    const site = await serviceContainer(repository, pr.number, 'site');
    expect(await execIn(site.Id, ['cat', '/etc/nginx/conf.d/default.conf'])).toBe(
      files['nginx/default.conf'],
    );
    // One check run for the head, ended green, its summary naming the service and its host.
    const [check, ...more] = await checkRunsWhen(repository, pr.headSha, 'completed');
    expect(more).toEqual([]);
    expect(check).toMatchObject({ name: 'Berth / preview', conclusion: 'success' });
    expect(check?.output.summary).toContain(`| site | \`${new URL(envUrl(env, 'site')).hostname}`);

    // "Re-run" on it redeploys the same head as a new generation, with a check run of its own.
    const rerun = await plane.github.rerequestCheckRun(check!.id);
    expect(rerun?.response?.body).toMatchObject({ status: 'queued' });
    const again = await settleAt(repository, pr.number, env.generation + 1);
    expect(again.headSha).toBe(pr.headSha);
    const runs = await checkRunsWhen(repository, pr.headSha, 'completed', 2);
    expect(runs.map((r) => r.conclusion)).toEqual(['success', 'success']);
    expect(await answers(again, 'site')).toBe(files['public/index.html']);
    close('static-site');
  });

  it('django-celery: runserver on 8000 reaches Postgres and Redis; worker and beat run from the mounted code', async () => {
    const { repository, pr, env } = await environmentOf('django-celery');
    expect(Object.keys(env.urls ?? {})).toEqual(['web']);
    const web = await report(env, 'web');
    expect(web.argv).toEqual(['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
    expect(web.env.DJANGO_SETTINGS_MODULE).toBe('proj.settings');
    expect(web.deps).toEqual({ 'db:5432': 'ok', 'redis:6379': 'ok' });
    await running(repository, pr.number, 'worker', 'beat', 'db', 'redis');
    close('django-celery');
  });

  it('rails-sidekiq: rails s on 3000 from the env file’s settings; sidekiq runs beside it', async () => {
    const { repository, pr, env } = await environmentOf('rails-sidekiq');
    expect(Object.keys(env.urls ?? {})).toEqual(['web']);
    const web = await report(env, 'web');
    expect(web.argv).toEqual(['bundle', 'exec', 'rails', 's', '-p', '3000', '-b', '0.0.0.0']);
    expect(web.env.RAILS_ENV).toBe('development');
    expect(web.deps).toEqual({ 'db:5432': 'ok', 'redis:6379': 'ok' });
    await running(repository, pr.number, 'sidekiq', 'db', 'redis');
    close('rails-sidekiq');
  });

  it('spring-mysql: the backend starts once MySQL, given its password as a file secret, is healthy', async () => {
    const { repository, pr, env, files } = await environmentOf('spring-mysql');
    expect(Object.keys(env.urls ?? {})).toEqual(['backend']);
    const backend = await report(env, 'backend');
    expect(backend.argv).toEqual([
      'java',
      '-cp',
      'src/main/java',
      'com.example.Application',
      '--server.port=8080',
    ]);
    expect(backend.deps).toEqual({ 'db:3306': 'ok' });
    const db = await serviceContainer(repository, pr.number, 'db');
    expect(await execIn(db.Id, ['cat', '/run/secrets/db-password'])).toBe(files['db/password.txt']);
    close('spring-mysql');
  });

  it('nextjs-prisma: migrations run to completion first; the runner stage carries the build arg', async () => {
    const { repository, pr, env } = await environmentOf('nextjs-prisma');
    expect(Object.keys(env.urls ?? {})).toEqual(['web']);
    expect(await answers(env, 'web')).toContain('data-api="/api"');
    const migrate = (await inspect(repository, pr.number, 'migrate')).State;
    expect(migrate.Status).toBe('exited');
    expect(migrate.ExitCode).toBe(0);
    close('nextjs-prisma');
  });

  it('go-mongo: the API built with its Dockerfile and args reaches MongoDB; the debug profile stays off', async () => {
    const { repository, pr, env } = await environmentOf('go-mongo');
    expect(Object.keys(env.urls ?? {})).toEqual(['api']);
    expect((await report(env, 'api')).deps).toEqual({ 'mongo:27017': 'ok' });
    const services = (await resourcesOf(repository, pr.number)).containers.map(
      (c) => c.Labels['berth.service'],
    );
    expect(services.sort()).toEqual(['api', 'mongo']);
    close('go-mongo');
  });

  it('websocket-chat: tini runs the command; Redis pub/sub answers; the upgrade passes the gateway', async () => {
    const { env } = await environmentOf('websocket-chat');
    expect(Object.keys(env.urls ?? {})).toEqual(['chat']);
    const chat = JSON.parse(await answers(env, 'chat')) as { redis: string; parent: string[] };
    expect(chat.redis).toBe('+PONG');
    // The compose entrypoint runs the compose command.
    expect(chat.parent).toEqual(['/usr/bin/tini', '--', 'node', 'server.js']);
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1')
      .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    const head = await upgrade(env, envUrl(env, 'chat'), key);
    expect(head[0]).toBe('HTTP/1.1 101 Switching Protocols');
    const acceptLine = head.find((line) => /^sec-websocket-accept:/i.test(line));
    expect(acceptLine?.slice(acceptLine.indexOf(':') + 1).trim(), head.join('\n')).toBe(accept);
    close('websocket-chat');
  });

  it('wordpress-mysql: WordPress answers on 80 and reaches MariaDB', async () => {
    const { repository, pr, env } = await environmentOf('wordpress-mysql');
    expect(Object.keys(env.urls ?? {})).toEqual(['wordpress']);
    expect((await report(env, 'wordpress')).deps).toEqual({ 'db:3306': 'ok' });
    await running(repository, pr.number, 'db');
    close('wordpress-mysql');
  });

  it('kafka-streams: the producer reaches Kafka, which reached ZooKeeper; no URL for either', async () => {
    const { repository, pr, env } = await environmentOf('kafka-streams');
    expect(Object.keys(env.urls ?? {})).toEqual(['producer']);
    const producer = JSON.parse(await answers(env, 'producer')) as object;
    expect(producer).toEqual({ producer: 'ok', brokers: { 'kafka:9092': 'ok' } });
    await running(repository, pr.number, 'kafka', 'zookeeper');
    close('kafka-streams');
  });

  it('rabbitmq-workers: the API and the management UI answer; workers extended from another file run', async () => {
    const { repository, pr, env } = await environmentOf('rabbitmq-workers');
    expect(Object.keys(env.urls ?? {}).sort()).toEqual(['api', 'rabbitmq']);
    const api = await report(env, 'api');
    expect(api.argv[0]).toBe('uvicorn');
    expect(api.env.LOG_LEVEL).toBe('info');
    // `hostname: rabbit` is how the others find the broker.
    expect(api.deps).toEqual({ 'rabbit:5672': 'ok' });
    expect(await answers(env, 'rabbitmq')).toContain('RabbitMQ Management');
    await running(repository, pr.number, 'worker', 'emailer');
    close('rabbitmq-workers');
  });

  it('react-express-mongo: the frontend proxies to the backend, which reaches MongoDB', async () => {
    const { env } = await environmentOf('react-express-mongo');
    expect(Object.keys(env.urls ?? {}).sort()).toEqual(['backend', 'frontend']);
    expect(await answers(env, 'frontend')).toContain('todos');
    const viaFrontend = JSON.parse(await answers(env, 'frontend', '/api/health')) as object;
    expect(viaFrontend).toEqual({ api: 'ok', mongo: 'ok' });
    expect(JSON.parse(await answers(env, 'backend'))).toEqual({ api: 'ok', mongo: 'ok' });
    close('react-express-mongo');
  });

  it('flask-redis-override: compose.override.yaml is applied over compose.yaml', async () => {
    const { env } = await environmentOf('flask-redis-override');
    expect(Object.keys(env.urls ?? {})).toEqual(['web']);
    const web = await report(env, 'web');
    expect(web.argv).toEqual(['flask', 'run', '--host', '0.0.0.0', '--port', '5000', '--debug']);
    expect(web.env.FLASK_ENV).toBe('development');
    expect(web.deps).toEqual({ 'redis:6379': 'ok' });
    close('flask-redis-override');
  });

  it.each([
    [
      'dev-host-mounts',
      'docker-compose.yml',
      {
        'services.app.volumes[1]': 9,
        'services.app.volumes[2]': 10,
        'services.app.volumes[3]': 11,
        'services.app.volumes[4]': 12,
      },
    ],
    [
      'ci-runner-hostile',
      'compose.yaml',
      {
        'services.runner.privileged': 6,
        'services.runner.network_mode': 7,
        'services.runner.env_file': 9,
        'services.runner.secrets[0]': 8,
        'secrets.gh_token.environment': 15,
        'networks.shared.external': 18,
      },
    ],
  ])(
    '%s: refused, every offending field named in the PR comment and annotated on its line, nothing created',
    async (stack, file, lines) => {
      const fields = Object.keys(lines);
      const { repository, pr } = await environmentOf(stack);
      // The sticky comment follows the state through the outbox: give it a moment.
      let comments = plane.github.comments(repository, pr.number);
      for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
        if (/Preview failed/.test(comments[0]?.body ?? '')) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
        comments = plane.github.comments(repository, pr.number);
      }
      expect(comments).toHaveLength(1);
      const body = comments[0]?.body ?? '';
      for (const field of fields) expect(body).toContain(`- ${field}: `);
      // The head's one check run failed, each problem annotated on its line of the file.
      const [check, ...more] = await checkRunsWhen(repository, pr.headSha, 'completed');
      expect(more).toEqual([]);
      expect(check).toMatchObject({ name: 'Berth / preview', conclusion: 'failure' });
      const annotated = Object.fromEntries(
        (check?.annotations ?? []).map((a) => [a.title, [a.path, a.startLine, a.level]]),
      );
      for (const [field, line] of Object.entries(lines)) {
        expect(annotated[field], field).toEqual([file, line, 'failure']);
      }
      const left = await resourcesOf(repository, pr.number);
      expect([left.containers, left.networks, left.volumes].flat()).toEqual([]);
      close(stack);
    },
  );

  it('closing every PR leaves nothing behind', async () => {
    // A stack whose own test failed did not close its PR: close it here, so this still holds.
    for (const { stack, destroyed } of opened.values()) if (!destroyed) close(stack);
    for (const { stack, repository, pr, destroyed } of opened.values()) {
      await destroyed;
      const left = await resourcesOf(repository, pr.number);
      expect([left.containers, left.networks, left.volumes].flat(), stack).toEqual([]);
    }
  });
});
