// The compose files people have: each stack under test/fixtures/compose-corpus is found the way
// Docker Compose finds it, then either accepted with the expected model (services, URLs only for
// HTTP services, networks, mounts, builds) or refused with every offending field named.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES } from './discovery.js';
import { type ComposeFile } from './load-tree.js';
import { type ComposeSpec, type ServiceMount } from './model.js';
import { parseComposeFiles } from './parse-compose.js';

const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/compose-corpus', import.meta.url));

function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

function load(stack: string) {
  const repo = filesOf(join(CORPUS, stack));
  const pick = (names: readonly string[]): ComposeFile[] => {
    const path = names.find((name) => repo.has(name));
    return path ? [{ path, text: repo.get(path) as string }] : [];
  };
  const files = [...pick(COMPOSE_FILE_NAMES), ...pick(OVERRIDE_FILE_NAMES)];
  return parseComposeFiles(files, { readFile: (path) => repo.get(path) ?? null });
}

function accepted(stack: string): ComposeSpec {
  const result = load(stack);
  if (!result.ok) throw new Error(`${stack}: ${JSON.stringify(result.problems, null, 2)}`);
  return result.spec;
}

const repoMount = (source: string, target: string, readOnly = true, origin = 'bind') =>
  ({ type: 'repo', origin, source, target, readOnly }) as ServiceMount;

interface Expected {
  services: string[];
  /** Exposed service → the port the gateway routes to. */
  urls: Record<string, number>;
  networks?: Record<string, string[]>;
  mounts?: Record<string, ServiceMount[]>;
  builds?: Record<string, { context: string; dockerfile?: string; target?: string; args?: object }>;
  check?: (spec: ComposeSpec) => void;
}

const ACCEPTED: Record<string, Expected> = {
  'nginx-nodejs-redis': {
    services: ['nginx', 'redis', 'web1', 'web2'],
    urls: { nginx: 80, web1: 5000, web2: 5000 },
    builds: { web1: { context: 'web' }, web2: { context: 'web' }, nginx: { context: 'nginx' } },
    check: (spec) => {
      expect(spec.services.web1?.hostname).toBe('web1');
      expect(spec.services.web1?.restart).toEqual({ name: 'on-failure' });
      expect(Object.keys(spec.services.nginx?.dependsOn ?? {})).toEqual(['web1', 'web2']);
    },
  },
  'django-celery': {
    services: ['beat', 'db', 'redis', 'web', 'worker'],
    urls: { web: 8000 },
    mounts: {
      web: [repoMount('.', '/code')],
      worker: [repoMount('.', '/code')],
      db: [
        { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false },
      ],
    },
    check: (spec) => {
      expect(spec.services.worker?.command).toEqual([
        'celery',
        '-A',
        'proj',
        'worker',
        '-l',
        'info',
      ]);
      expect(spec.services.web?.environment).toMatchObject({
        DJANGO_SETTINGS_MODULE: 'proj.settings',
        CELERY_BROKER_URL: 'redis://redis:6379/0',
      });
      expect(spec.services.web?.dependsOn.db?.condition).toBe('service_healthy');
    },
  },
  'rails-sidekiq': {
    services: ['db', 'redis', 'sidekiq', 'web'],
    urls: { web: 3000 },
    builds: {
      web: { context: '.', args: { RUBY_VERSION: '3.3' } },
      sidekiq: { context: '.', args: { RUBY_VERSION: '3.3' } },
    },
    mounts: {
      web: [
        repoMount('.', '/rails'),
        { type: 'volume', source: 'bundle', target: '/usr/local/bundle', readOnly: false },
      ],
    },
    check: (spec) => {
      expect(spec.services.web?.command?.slice(0, 2)).toEqual(['bash', '-c']);
      expect(spec.services.sidekiq?.environment.REDIS_URL).toBe('redis://redis:6379/1');
    },
  },
  'spring-mysql': {
    services: ['backend', 'db'],
    urls: { backend: 8080 },
    networks: { backend: ['spring-mysql'], db: ['spring-mysql'] },
    builds: { backend: { context: 'backend', target: 'development' } },
    mounts: {
      db: [
        { type: 'volume', source: 'db-data', target: '/var/lib/mysql', readOnly: false },
        repoMount('db/password.txt', '/run/secrets/db-password', true, 'secret'),
      ],
    },
  },
  'nextjs-prisma': {
    services: ['db', 'migrate', 'web'],
    urls: { web: 3000 },
    builds: {
      web: { context: '.', target: 'runner', args: { NEXT_PUBLIC_API_URL: '/api' } },
      migrate: { context: '.', target: 'builder' },
    },
    check: (spec) => {
      expect(spec.services.web?.dependsOn.migrate?.condition).toBe(
        'service_completed_successfully',
      );
    },
  },
  'go-mongo': {
    services: ['api', 'mongo'],
    urls: { api: 8080 },
    builds: {
      api: { context: 'api', dockerfile: 'build/Dockerfile', args: { GO_VERSION: '1.23' } },
    },
    check: (spec) => {
      expect(spec.services.api?.pullPolicy).toBe('build');
      expect(spec.services.mongo?.pullPolicy).toBe('missing');
    },
  },
  'static-site': {
    services: ['site'],
    urls: { site: 80 },
    mounts: {
      site: [
        repoMount('public', '/usr/share/nginx/html'),
        repoMount('nginx/default.conf', '/etc/nginx/conf.d/default.conf', true, 'config'),
      ],
    },
  },
  'websocket-chat': {
    services: ['chat', 'pubsub'],
    urls: { chat: 8080 },
    check: (spec) => {
      expect(spec.services.chat?.entrypoint).toEqual(['/usr/bin/tini', '--']);
      expect(spec.services.chat?.command).toEqual(['node', 'server.js']);
    },
  },
  'react-express-mongo': {
    services: ['backend', 'frontend', 'mongo'],
    urls: { frontend: 3000, backend: 3000 },
    networks: {
      frontend: ['react-express'],
      backend: ['express-mongo', 'react-express'],
      mongo: ['express-mongo'],
    },
    mounts: {
      frontend: [
        repoMount('frontend', '/usr/src/app'),
        { type: 'anonymous', target: '/usr/src/app/node_modules', readOnly: false },
      ],
      backend: [
        repoMount('backend', '/usr/src/app', false),
        { type: 'anonymous', target: '/usr/src/app/node_modules', readOnly: false },
      ],
    },
  },
  'wordpress-mysql': {
    services: ['db', 'wordpress'],
    urls: { wordpress: 80 },
  },
  'flask-redis-override': {
    services: ['redis', 'web'],
    urls: { web: 5000 },
    mounts: { web: [repoMount('app', '/code/app')] },
    check: (spec) => {
      expect(spec.services.web?.command).toEqual([
        'flask',
        'run',
        '--host',
        '0.0.0.0',
        '--port',
        '5000',
        '--debug',
      ]);
      expect(spec.services.web?.environment).toEqual({
        REDIS_HOST: 'redis',
        FLASK_ENV: 'development',
      });
    },
  },
  'rabbitmq-workers': {
    services: ['api', 'emailer', 'rabbitmq', 'worker'],
    // The management UI is HTTP; AMQP (5672) never gets a URL.
    urls: { api: 8000, rabbitmq: 15672 },
    builds: { api: { context: 'app' }, worker: { context: 'app' }, emailer: { context: 'app' } },
    check: (spec) => {
      expect(spec.services.worker?.environment).toEqual({
        LOG_LEVEL: 'info',
        QUEUE: 'default',
        AMQP_URL: 'amqp://guest:guest@rabbit:5672/',
      });
      expect(spec.services.emailer?.environment.QUEUE).toBe('email');
      expect(spec.services.emailer?.command).toEqual(['python', 'worker.py']);
      expect(spec.services.rabbitmq?.aliases).toEqual(['rabbit']);
    },
  },
  'kafka-streams': {
    services: ['kafka', 'producer', 'zookeeper'],
    urls: { producer: 8080 },
  },
};

const REFUSED: Record<string, Array<[string, RegExp]>> = {
  'dev-host-mounts': [
    ['services.app.volumes[1]', /Docker socket is refused/],
    ['services.app.volumes[2]', /`\/srv\/data`: host bind mounts are refused/],
    ['services.app.volumes[3]', /`\.\.\/shared` leaves the repository/],
    ['services.app.volumes[4]', /`~\/\.aws`: host bind mounts are refused/],
  ],
  'ci-runner-hostile': [
    ['services.runner.privileged', /privileged containers are refused/],
    ['services.runner.network_mode', /`network_mode: host` is refused/],
    ['services.runner.env_file', /`runner.env` does not exist in the repository/],
    ['services.runner.secrets[0]', /secret `gh_token` is not declared/],
    ['secrets.gh_token.environment', /never hands its own environment to a preview/],
    ['networks.shared.external', /external networks are refused/],
  ],
};

describe('compose corpus', () => {
  it('has a dozen or more stacks, and a test for each', () => {
    const stacks = readdirSync(CORPUS, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(stacks.length).toBeGreaterThanOrEqual(12);
    expect(stacks).toEqual(Object.keys({ ...ACCEPTED, ...REFUSED }).sort());
  });

  describe.each(Object.entries(ACCEPTED))('%s is accepted', (stack, expected) => {
    const spec = accepted(stack);
    it('with its services and URLs only for HTTP services', () => {
      expect(Object.keys(spec.services).sort()).toEqual(expected.services);
      expect(spec.berth.ports).toEqual(expected.urls);
      expect([...spec.berth.expose].sort()).toEqual(Object.keys(expected.urls).sort());
    });
    it('with its networks, mounts and builds', () => {
      for (const [service, networks] of Object.entries(expected.networks ?? {})) {
        expect([...(spec.services[service]?.networks ?? [])].sort()).toEqual([...networks].sort());
        for (const name of networks) expect(spec.networks?.[name]?.name).toBe(name);
      }
      for (const [service, mounts] of Object.entries(expected.mounts ?? {})) {
        expect(spec.services[service]?.mounts).toEqual(mounts);
      }
      for (const [service, build] of Object.entries(expected.builds ?? {})) {
        expect(spec.services[service]?.build).toMatchObject(build);
      }
      expected.check?.(spec);
    });
  });

  describe.each(Object.entries(REFUSED))('%s is refused', (stack, expected) => {
    it('naming every offending field', () => {
      const result = load(stack);
      expect(result.ok).toBe(false);
      const problems = result.ok ? [] : result.problems;
      for (const [path, message] of expected) {
        expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
      }
      expect(problems).toHaveLength(expected.length);
    });
  });
});
