// Compose files people have, through the whole pipeline: corpus stacks pushed to the GitHub
// emulator as they are (compose.yaml, shared build contexts, hostname, repository bind mounts
// and configs), provisioned by the real worker, answered through the gateway, then closed with
// nothing left behind. No registry is reachable here, so base images are swapped for the local
// fixtures (a Node stand-in plays nginx); the compose files themselves are unmodified.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlPlane, type PullRecord } from '@berth/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  envUrl,
  PreviewBrowser,
  removeByLabel,
  resourcesOf,
  serviceContainer,
  uniqueRepoName,
} from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS = join(root, 'test/fixtures/compose-corpus');
const NODE = 'berth-fixture/node:24';
const REDIS = 'berth-fixture/redis:7';
const docker = new Docker();
let plane: ControlPlane;
const opened: { repository: string; pr: PullRecord }[] = [];

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

/** A tiny HTTP server in Node standing in for an nginx image (same role in the stack). */
const PROXY = `const http = require('node:http');
const upstreams = ['web1', 'web2'];
let next = 0;
http.createServer((req, res) => {
  const host = upstreams[next++ % upstreams.length];
  http.get({ host, port: 5000, path: req.url }, (up) => up.pipe(res))
    .on('error', (e) => { res.statusCode = 502; res.end(String(e)); });
}).listen(80);
`;

const STATIC = `const http = require('node:http');
const fs = require('node:fs');
http.createServer((req, res) => {
  const file = req.url === '/conf' ? '/etc/nginx/conf.d/default.conf' : '/usr/share/nginx/html/index.html';
  fs.readFile(file, (err, body) => { res.statusCode = err ? 500 : 200; res.end(err ? String(err) : body); });
}).listen(80);
`;

async function provision(files: Record<string, string>) {
  const repository = `acme/${uniqueRepoName()}`;
  const [owner, name] = repository.split('/') as [string, string];
  await plane.github.createRepository({ owner, name, files });
  const pr = await plane.github.openPullRequest({ repo: repository, branch: 'feat/x', title: 'x' });
  opened.push({ repository, pr });
  const env = await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 150_000 });
  return { repository, pr, env };
}

async function imageOf(repository: string, pr: number, service: string): Promise<string> {
  const container = await serviceContainer(repository, pr, service);
  return (await docker.getContainer(container.Id).inspect()).Image;
}

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  plane = await ControlPlane.start({ root, databaseUrl, redisUrl, logLevel: 'info' });
}, 120_000);

afterAll(async () => {
  for (const { repository, pr } of opened) {
    if (pr.state === 'open') await plane.github.closePullRequest(pr).catch(() => undefined);
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
    await removeByLabel(`berth.repo=${repository}`);
  }
  await plane?.stop();
}, 300_000);

describe('compose corpus through the pipeline', { timeout: 240_000 }, () => {
  it('nginx-nodejs-redis: found as compose.yaml, one build for web1 and web2, no URL for Redis', async () => {
    const files = corpusFiles('nginx-nodejs-redis');
    files['compose.yaml'] = (files['compose.yaml'] as string).replace(
      "image: 'redislabs/redismod'",
      `image: '${REDIS}'`,
    );
    files['web/Dockerfile'] = (files['web/Dockerfile'] as string).replace('node:24', NODE);
    files['nginx/Dockerfile'] =
      `FROM ${NODE}\nCOPY proxy.js /proxy.js\nCMD ["node", "/proxy.js"]\n`;
    files['nginx/proxy.js'] = PROXY;
    const { repository, pr, env } = await provision(files);

    expect(Object.keys(env.urls ?? {}).sort()).toEqual(['nginx', 'web1', 'web2']);
    expect(await imageOf(repository, pr.number, 'web1')).toBe(
      await imageOf(repository, pr.number, 'web2'),
    );
    const browser = new PreviewBrowser(plane, env.id);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const res = await browser.request(envUrl(env, 'nginx'));
      expect(res.status, res.body).toBe(200);
      seen.add(res.body.trim());
    }
    // nginx balances both web services, each answering with its compose `hostname:`.
    expect([...seen].sort()).toEqual(['web: web1', 'web: web2']);
    expect((await browser.request(envUrl(env, 'web1'))).status).toBe(200);

    await plane.github.closePullRequest(pr);
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 });
    const left = await resourcesOf(repository, pr.number);
    expect([left.containers, left.networks, left.volumes].flat()).toEqual([]);
  });

  it('static-site: the repository’s public/ and its config file are served, from the checkout', async () => {
    const files = corpusFiles('static-site');
    files['compose.yaml'] = (files['compose.yaml'] as string).replace(
      'image: nginx:1.27-alpine',
      `image: ${NODE}\n    command: [node, -e, ${JSON.stringify(STATIC)}]`,
    );
    const { repository, pr, env } = await provision(files);
    expect(Object.keys(env.urls ?? {})).toEqual(['site']);
    const browser = new PreviewBrowser(plane, env.id);
    const page = await browser.request(envUrl(env, 'site'));
    expect(page.status, page.body).toBe(200);
    expect(page.body).toBe(files['public/index.html']);
    const conf = await browser.request(new URL('/conf', envUrl(env, 'site')).toString());
    expect(conf.body).toBe(files['nginx/default.conf']);

    await plane.github.closePullRequest(pr);
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 });
  });
});
