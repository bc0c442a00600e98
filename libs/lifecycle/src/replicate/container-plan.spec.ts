import { readFileSync } from 'node:fs';
import { environmentIdentity, parseComposeOrThrow, renderServiceEnvironments } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { PermanentStageError } from '../pipeline/stage-handler.js';
import { readRevisionOutputs, replicatePlan, toHealthcheck } from './container-plan.js';

const shopCompose = readFileSync(
  new URL('../../../../examples/shop/docker-compose.yml', import.meta.url),
  'utf8',
);
const id = environmentIdentity('acme/shop', 7);
const spec = parseComposeOrThrow(shopCompose, { variables: { SHOP_DB_PASSWORD: 'pw' } });
const images: RevisionImages = Object.fromEntries(
  Object.keys(spec.services).map((s) => [s, { tag: `img/${s}:1`, source: 'image', durationMs: 0 }]),
);
const environment = renderServiceEnvironments(spec, {
  envKey: 'acme/shop#7',
  pr: 7,
  urls: {},
  secrets: {},
});

describe('replicatePlan on the shop', () => {
  const plan = replicatePlan(id, spec, images, environment);

  it('names the network, volume and containers from the identity, with berth labels', () => {
    expect(plan.networks.map((n) => n.name)).toEqual(['berth-acme--shop-pr-7']);
    expect(plan.networks[0]?.labels).toMatchObject({ 'berth.env': 'acme/shop#7' });
    expect(plan.volumes.map((v) => v.name)).toEqual(['berth-acme--shop-pr-7-db-data']);
    const api = plan.services['api']?.container;
    expect(api?.name).toBe('berth-acme--shop-pr-7-api');
    expect(api?.labels).toMatchObject({
      'berth.managed': 'true',
      'berth.env': 'acme/shop#7',
      'berth.repo': 'acme/shop',
      'berth.pr': '7',
      'berth.service': 'api',
    });
    expect(api?.network).toEqual({ name: 'berth-acme--shop-pr-7', aliases: ['api'] });
    expect(api?.env).toMatchObject({
      DATABASE_URL: 'postgres://shop:pw@db:5432/shop',
      BERTH_PR: '7',
    });
  });

  it('starts db/redis/web first, migrate before api and worker', () => {
    expect(plan.layers).toEqual([['db', 'redis', 'web'], ['migrate'], ['api', 'worker']]);
  });

  it('waits for what dependents ask and for full readiness at the end', () => {
    const s = plan.services;
    expect(s['migrate']).toMatchObject({ oneShot: true, neededBy: 'exited-0', ready: 'exited-0' });
    expect(s['migrate']?.container.restart).toBe('no');
    expect(s['db']).toMatchObject({ neededBy: 'healthy', ready: 'healthy' });
    expect(s['redis']).toMatchObject({ neededBy: 'healthy', ready: 'healthy' });
    expect(s['api']).toMatchObject({ oneShot: false, ready: 'healthy' });
    expect(s['api']?.neededBy).toBeUndefined();
    expect(s['worker']).toMatchObject({ ready: 'running' });
    expect(s['worker']?.container.restart).toBe('unless-stopped');
    // api: (interval 5 s + timeout 10 s) × (12 retries + 1) → 195 s.
    expect(s['api']?.timeoutMs).toBe(195_000);
  });

  it('mounts the per-environment volume and never publishes ports', () => {
    const db = plan.services['db']?.container;
    expect(db?.mounts).toEqual([
      {
        volume: 'berth-acme--shop-pr-7-db-data',
        target: '/var/lib/postgresql/data',
        readOnly: false,
      },
    ]);
    expect(JSON.stringify(db)).not.toMatch(/5432:|PortBindings|publish/i);
    expect(db?.healthcheck?.test).toEqual(['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U shop -d shop']);
    expect(db?.capAdd).toEqual(['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID']);
  });

  it('takes deploy.resources.limits over the defaults', () => {
    const limited = parseComposeOrThrow(
      'services:\n  a:\n    image: x\n    deploy:\n      resources:\n        limits: { memory: 64m, cpus: "0.25", pids: 32 }\n',
    );
    const p = replicatePlan(
      id,
      limited,
      { a: { tag: 'x', source: 'image', durationMs: 0 } },
      { a: {} },
      {
        defaultLimits: { memoryBytes: 1, cpus: 1, pids: 1 },
      },
    );
    expect(p.services['a']?.container.limits).toEqual({
      memoryBytes: 64 * 1024 * 1024,
      cpus: 0.25,
      pids: 32,
    });
  });

  it('refuses service_healthy on a service without a healthcheck', () => {
    const s = parseComposeOrThrow(
      'services:\n  a:\n    image: x\n    depends_on: { b: { condition: service_healthy } }\n  b:\n    image: x\n',
    );
    const imgs: RevisionImages = {
      a: { tag: 'x', source: 'image', durationMs: 0 },
      b: { tag: 'x', source: 'image', durationMs: 0 },
    };
    expect(() => replicatePlan(id, s, imgs, { a: {}, b: {} })).toThrow(
      /services\.b: .*no healthcheck/,
    );
    // Permanent: retrying the same file cannot add the healthcheck.
    expect(() => replicatePlan(id, s, imgs, { a: {}, b: {} })).toThrow(PermanentStageError);
  });
});

describe('readRevisionOutputs', () => {
  it('names the stage that owes a missing output', () => {
    expect(() => readRevisionOutputs({}, {})).toThrow(/wiring\.spec is missing: the wire stage/);
    expect(() => readRevisionOutputs({}, { spec, environment })).toThrow(
      /revision\.images\.\w+\.tag is missing: the build stage/,
    );
  });
});

describe('toHealthcheck', () => {
  it('maps compose tests to the engine form and drops NONE', () => {
    expect(toHealthcheck({ test: { kind: 'CMD', argv: ['a', 'b'] }, retries: 2 })).toEqual({
      test: ['CMD', 'a', 'b'],
      retries: 2,
    });
    expect(toHealthcheck({ test: { kind: 'NONE' } })).toBeUndefined();
  });
});

describe('replicatePlan: hostname and network aliases', () => {
  it('lets a service answer to its hostname and aliases on the preview network', () => {
    const compose = parseComposeOrThrow(`
services:
  web1: { image: web, hostname: web1, ports: ['5000'] }
  api: { image: api, hostname: backend.local, networks: { front: { aliases: [api-v1] } } }
networks: { front: {} }
`);
    const imgs: RevisionImages = {
      web1: { tag: 'web:1', source: 'image', durationMs: 0 },
      api: { tag: 'api:1', source: 'image', durationMs: 0 },
    };
    const env = { web1: {}, api: {} };
    const plan = replicatePlan(id, compose, imgs, env);
    expect(plan.services['web1']?.container.network.aliases).toEqual(['web1']);
    expect(plan.services['web1']?.container.hostname).toBe('web1');
    expect(plan.services['api']?.container.network.aliases).toEqual([
      'api',
      'backend.local',
      'api-v1',
    ]);
  });
});

describe('replicatePlan: several networks per service', () => {
  const compose = parseComposeOrThrow(`
services:
  proxy: { image: proxy, networks: [frontend] }
  app:
    image: app
    hostname: app.local
    networks:
      frontend: { aliases: [www] }
      backend: { aliases: [api] }
  db: { image: db, networks: [backend] }
  tool: { image: tool }
networks:
  frontend: {}
  backend: { internal: true }
`);
  const imgs: RevisionImages = Object.fromEntries(
    ['proxy', 'app', 'db', 'tool'].map((s) => [
      s,
      { tag: `${s}:1`, source: 'image', durationMs: 0 },
    ]),
  );
  const env = { proxy: {}, app: {}, db: {}, tool: {} };

  it('plans one network per compose network used, default first, with members and internal', () => {
    const plan = replicatePlan(id, compose, imgs, env);
    expect(plan.networks.map((n) => [n.key, n.name, n.internal, n.members])).toEqual([
      ['default', 'berth-acme--shop-pr-7', false, ['tool']],
      ['backend', 'berth-acme--shop-pr-7-net-backend', true, ['app', 'db']],
      ['frontend', 'berth-acme--shop-pr-7-net-frontend', false, ['app', 'proxy']],
    ]);
    expect(plan.networks[1]?.labels).toMatchObject({
      'berth.env': 'acme/shop#7',
      'berth.network': 'backend',
    });
  });

  it('attaches each service to its networks only, with each network’s own aliases', () => {
    const plan = replicatePlan(id, compose, imgs, env);
    const app = plan.services['app']?.container;
    expect(app?.network).toEqual({
      name: 'berth-acme--shop-pr-7-net-frontend',
      aliases: ['app', 'app.local', 'www'],
    });
    expect(app?.extraNetworks).toEqual([
      { name: 'berth-acme--shop-pr-7-net-backend', aliases: ['app', 'app.local', 'api'] },
    ]);
    expect(plan.services['proxy']?.container.network.name).toBe(
      'berth-acme--shop-pr-7-net-frontend',
    );
    expect(plan.services['proxy']?.container.extraNetworks).toBeUndefined();
    expect(plan.services['db']?.container.network.name).toBe('berth-acme--shop-pr-7-net-backend');
    expect(plan.services['tool']?.container.network.name).toBe('berth-acme--shop-pr-7');
  });

  it('refuses more networks than MAX_NETWORKS as a spec problem naming the field and the setting', () => {
    expect(() => replicatePlan(id, compose, imgs, env, { maxNetworks: 2 })).toThrow(
      PermanentStageError,
    );
    expect(() => replicatePlan(id, compose, imgs, env, { maxNetworks: 2 })).toThrow(
      /^networks: the services use 3 networks \(default, backend, frontend\).*MAX_NETWORKS/,
    );
    expect(replicatePlan(id, compose, imgs, env, { maxNetworks: 3 }).networks).toHaveLength(3);
  });
});
