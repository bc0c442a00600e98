import { describe, expect, it } from 'vitest';
import { type ComposeFile } from './load-tree.js';
import { type ComposeSpec } from './model.js';
import { type ParseComposeOptions, parseComposeFiles } from './parse-compose.js';

function repo(files: Record<string, string>) {
  return (path: string): string | null => files[path] ?? null;
}

function parse(files: ComposeFile[], options: ParseComposeOptions = {}): ComposeSpec {
  const result = parseComposeFiles(files, options);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.spec;
}

function problems(files: ComposeFile[], options: ParseComposeOptions = {}) {
  const result = parseComposeFiles(files, options);
  if (result.ok) throw new Error('expected problems, got a valid spec');
  return result.problems;
}

describe('override files', () => {
  it('merge per the Compose spec: maps by key, lists appended, commands replaced', () => {
    const spec = parse([
      {
        path: 'compose.yaml',
        text: `
services:
  web:
    build: .
    command: npm start
    environment: [A=1, B=2]
    ports: ['3000']
    volumes: ['data:/data']
  db: { image: postgres:16 }
volumes: { data: {} }
`,
      },
      {
        path: 'compose.override.yaml',
        text: `
services:
  web:
    command: [npm, run, dev]
    environment: { B: three, C: '4' }
    ports: ['9229']
    volumes: ['data:/data:ro']
  cache: { image: redis:7 }
`,
      },
    ]);
    const web = spec.services.web;
    expect(web?.command).toEqual(['npm', 'run', 'dev']);
    expect(web?.environment).toEqual({ A: '1', B: 'three', C: '4' });
    expect(web?.ports.map((p) => p.port)).toEqual([3000, 9229]);
    expect(web?.mounts).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: true },
    ]);
    expect(Object.keys(spec.services).sort()).toEqual(['cache', 'db', 'web']);
  });
});

describe('extends', () => {
  it('takes a service from the same file and from another repository file', () => {
    const spec = parse(
      [
        {
          path: 'compose.yaml',
          text: `
x-base: &base { image: app, environment: { LOG: info } }
services:
  base: { image: app, environment: { LOG: info, ROLE: base }, command: serve }
  worker:
    extends: base
    command: work
    environment: { ROLE: worker }
  api:
    extends: { file: common/services.yml, service: api }
    env_file: .env
    environment: { ROLE: api }
`,
        },
      ],
      {
        readFile: repo({
          'common/services.yml':
            'services:\n  api: { build: ./api, ports: ["8080"], env_file: api.env, environment: { LOG: debug } }\n',
          'common/api.env': 'FROM_BASE_FILE=1\nROLE=file\n',
          '.env': 'FROM_OWN_FILE=2\n',
        }),
      },
    );
    expect(spec.services.worker?.command).toEqual(['work']);
    expect(spec.services.worker?.environment).toEqual({ LOG: 'info', ROLE: 'worker' });
    expect(spec.services.worker?.image).toBe('app');
    // The build context stays relative to the file it was written in.
    expect(spec.services.api?.build?.context).toBe('common/api');
    // env_file lists merge (the base's path rebased), and `environment` wins over both.
    expect(spec.services.api?.environment).toEqual({
      FROM_BASE_FILE: '1',
      FROM_OWN_FILE: '2',
      LOG: 'debug',
      ROLE: 'api',
    });
    expect(spec.services.api?.ports).toEqual([{ port: 8080, protocol: 'tcp' }]);
  });

  it('names a missing file or service', () => {
    expect(
      problems([
        {
          path: 'compose.yaml',
          text: 'services:\n  a: { image: x, extends: { file: nope.yml, service: b } }\n',
        },
      ]),
    ).toEqual([
      { path: 'services.a.extends.file', message: '`nope.yml` does not exist in the repository' },
    ]);
  });
});

describe('profiles', () => {
  const text = `
services:
  web: { image: x, ports: ['80'], depends_on: { mail: { condition: service_started, required: false } } }
  mail: { image: mailhog, profiles: [debug], ports: ['8025'] }
  seed: { image: x, profiles: [tools] }
`;
  it('leaves services of disabled profiles out (default: none enabled)', () => {
    const result = parseComposeFiles([{ path: 'compose.yaml', text }]);
    expect(result.ok && Object.keys(result.spec.services)).toEqual(['web']);
    expect(result.warnings.map((w) => w.path)).toContain('services.mail.profiles');
  });
  it('starts them when the operator enables the profile', () => {
    const spec = parse([{ path: 'compose.yaml', text }], { profiles: ['debug'] });
    expect(Object.keys(spec.services)).toEqual(['web', 'mail']);
    expect(spec.services.mail?.profiles).toEqual(['debug']);
  });
  it('refuses a required dependency on a service that is not started', () => {
    expect(
      problems([
        {
          path: 'compose.yaml',
          text: 'services:\n  web: { image: x, depends_on: [mail] }\n  mail: { image: y, profiles: [debug] }\n',
        },
      ]),
    ).toEqual([
      {
        path: 'services.web.depends_on.mail',
        message: '`mail` is not started: its profile (debug) is not enabled for this repository',
      },
    ]);
  });
});

describe('repository files', () => {
  const files = repo({
    '.env': 'NODE_ENV=production\nSHARED=from-file\n',
    'deploy/nginx.conf': 'events {}\n',
    'deploy/seed.sql': 'select 1;\n',
  });
  it('reads env_file, mounts configs and file secrets read-only, fills binds from the checkout', () => {
    const spec = parse(
      [
        {
          path: 'compose.yaml',
          text: `
services:
  web:
    image: nginx
    env_file: [.env, { path: .env.local, required: false }]
    environment: { SHARED: from-compose }
    configs: [nginx_conf, { source: nginx_conf, target: /etc/nginx/nginx.conf }]
    secrets: [seed]
    volumes: ['./src:/code/src', './cache:/code/cache:rw', { type: bind, source: ./public, target: /pub }]
configs: { nginx_conf: { file: ./deploy/nginx.conf } }
secrets: { seed: { file: deploy/seed.sql } }
`,
        },
      ],
      { readFile: files },
    );
    const web = spec.services.web;
    expect(web?.environment).toEqual({ NODE_ENV: 'production', SHARED: 'from-compose' });
    expect(web?.mounts).toEqual([
      { type: 'repo', origin: 'bind', source: 'src', target: '/code/src', readOnly: true },
      { type: 'repo', origin: 'bind', source: 'cache', target: '/code/cache', readOnly: false },
      { type: 'repo', origin: 'bind', source: 'public', target: '/pub', readOnly: true },
      {
        type: 'repo',
        origin: 'config',
        source: 'deploy/nginx.conf',
        target: '/nginx_conf',
        readOnly: true,
      },
      {
        type: 'repo',
        origin: 'config',
        source: 'deploy/nginx.conf',
        target: '/etc/nginx/nginx.conf',
        readOnly: true,
      },
      {
        type: 'repo',
        origin: 'secret',
        source: 'deploy/seed.sql',
        target: '/run/secrets/seed',
        readOnly: true,
      },
    ]);
  });

  it('resolves paths from the compose file’s directory and refuses escapes, naming the field', () => {
    const spec = parse([
      {
        path: 'deploy/compose.yaml',
        text: 'services:\n  web: { build: ../app, volumes: ["../app/src:/src"] }\n',
      },
    ]);
    expect(spec.services.web?.build?.context).toBe('app');
    expect(spec.services.web?.mounts[0]).toMatchObject({ source: 'app/src' });
    expect(
      problems([
        {
          path: 'deploy/compose.yaml',
          text: 'services:\n  web: { image: x, volumes: ["../../etc:/etc"] }\n',
        },
      ]),
    ).toEqual([
      {
        path: 'services.web.volumes[0]',
        message: expect.stringMatching(/^`\.\.\/\.\.\/etc` leaves the repository/),
      },
    ]);
  });
});

describe('networks, hostname, pull_policy', () => {
  it('carries each service’s networks and the names it answers to', () => {
    const spec = parse([
      {
        path: 'compose.yaml',
        text: `
services:
  proxy: { image: nginx, ports: ['80'], networks: [front] }
  api:
    image: api
    hostname: api.internal
    pull_policy: if_not_present
    networks: { front: { aliases: [backend] }, back: }
  db: { image: postgres, networks: [back] }
  tool: { image: x, pull_policy: never }
networks:
  front: {}
  back: { internal: true }
`,
      },
    ]);
    expect(spec.services.api?.networks).toEqual(['front', 'back']);
    expect(spec.services.api?.aliases).toEqual(['api.internal', 'backend']);
    expect(spec.services.api?.hostname).toBe('api.internal');
    expect(spec.services.api?.pullPolicy).toBe('missing');
    expect(spec.services.tool?.pullPolicy).toBe('never');
    expect(spec.services.tool?.networks).toEqual(['default']);
    expect(spec.networks).toEqual({
      front: { name: 'front', internal: false, labels: {} },
      back: { name: 'back', internal: true, labels: {} },
      default: { name: 'default', internal: false, labels: {} },
    });
  });
});

describe('exposure: only HTTP services get URLs by default', () => {
  it('never exposes databases, caches or brokers unless named', () => {
    const text = `
services:
  web: { image: x, ports: ['3000'] }
  admin: { image: x, ports: ['6379', '8001'] }
  db: { image: postgres, ports: ['5432'] }
  cache: { image: redis, expose: [6379] }
  mysql: { image: mysql, ports: ['3306', '33060'] }
  mongo: { image: mongo, ports: ['27017'] }
  mq: { image: rabbitmq, ports: ['5672', '15672'] }
  kafka: { image: kafka, ports: ['9092'] }
`;
    const spec = parse([{ path: 'compose.yaml', text }]);
    expect(spec.berth.expose).toEqual(['web', 'admin', 'mq']);
    expect(spec.berth.ports).toEqual({ web: 3000, admin: 8001, mq: 15672 });
    const named = parse([
      { path: 'compose.yaml', text: `${text}x-berth: { expose: [web, db] }\n` },
    ]);
    expect(named.berth.ports).toEqual({ web: 3000, db: 5432 });
  });
});
