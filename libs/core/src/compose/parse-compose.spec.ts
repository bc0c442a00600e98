import { describe, expect, it } from 'vitest';
import { type ComposeProblem, ComposeError } from './index.js';
import { parseCompose, parseComposeOrThrow } from './parse-compose.js';

function problemsOf(text: string, variables: Record<string, string> = {}): ComposeProblem[] {
  const result = parseCompose(text, { variables });
  if (result.ok) throw new Error('expected problems, got a valid spec');
  return result.problems;
}

function paths(text: string): string[] {
  return problemsOf(text).map((p) => p.path);
}

const SHOP = `
x-node: &node
  build:
    context: ./api
    args:
      NODE_IMAGE: \${NODE_IMAGE:-node:24}
  restart: "no"
services:
  web:
    build: ./web
    environment:
      API_PUBLIC_URL: \${API_PUBLIC_URL:-http://localhost:3001}
    ports: ['127.0.0.1:\${WEB_PORT:-3000}:3000']
  api:
    <<: *node
    environment:
      - DATABASE_URL=postgres://shop:\${DB_PASSWORD:?set DB_PASSWORD}@db:5432/shop
      - PORT=3001
    expose: [3001]
    depends_on:
      migrate: { condition: service_completed_successfully }
      redis: { condition: service_healthy }
    healthcheck:
      test: [CMD, node, -e, "process.exit(0)"]
      interval: 1m30s
      timeout: 3s
      retries: 3
      start_period: 500ms
  migrate:
    <<: *node
    command: node migrate.js --all
    depends_on: [db]
  db:
    image: postgres:15
    volumes: [db-data:/var/lib/postgresql/data]
    healthcheck:
      test: pg_isready -U shop
    deploy:
      resources:
        limits: { cpus: '0.5', memory: 512m, pids: 200 }
  redis:
    image: redis:7
    cap_add: [setuid, CAP_SETGID]
volumes:
  db-data:
x-berth:
  expose: [web, api]
  database: { service: db }
  secrets: [db_password]
  variables:
    API_PUBLIC_URL: '{{ urls.api }}'
    DB_PASSWORD: '{{ secrets.db_password }}'
`;

const template = {
  urls: { web: 'https://web-pr-1-shop.example.com', api: 'https://api-pr-1-shop.example.com' },
  secrets: { db_password: 's3cret' },
};

describe('parseCompose: a realistic file', () => {
  const result = parseCompose(SHOP, { variables: { NODE_IMAGE: 'local/node:24' }, template });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const { spec } = result;

  it('normalizes services, merge keys and interpolation', () => {
    expect(Object.keys(spec.services)).toEqual(['web', 'api', 'migrate', 'db', 'redis']);
    expect(spec.services.api?.build).toEqual({
      context: 'api',
      dockerfile: 'Dockerfile',
      args: { NODE_IMAGE: 'local/node:24' },
    });
    expect(spec.services.web?.build?.context).toBe('web');
    expect(spec.services.migrate?.command).toEqual(['node', 'migrate.js', '--all']);
    expect(spec.services.api?.restart).toEqual({ name: 'no' });
  });

  it('renders x-berth.variables into the interpolation', () => {
    expect(spec.services.web?.environment.API_PUBLIC_URL).toBe('https://api-pr-1-shop.example.com');
    expect(spec.services.api?.environment.DATABASE_URL).toBe('postgres://shop:s3cret@db:5432/shop');
  });

  it('keeps container ports only', () => {
    expect(spec.services.web?.ports).toEqual([{ port: 3000, protocol: 'tcp' }]);
    expect(spec.services.api?.ports).toEqual([{ port: 3001, protocol: 'tcp' }]);
  });

  it('reads dependencies, healthchecks, limits, volumes and capabilities', () => {
    expect(spec.services.api?.dependsOn).toEqual({
      migrate: { condition: 'service_completed_successfully', required: true },
      redis: { condition: 'service_healthy', required: true },
    });
    expect(spec.services.migrate?.dependsOn).toEqual({
      db: { condition: 'service_started', required: true },
    });
    expect(spec.services.api?.healthcheck).toEqual({
      test: { kind: 'CMD', argv: ['node', '-e', 'process.exit(0)'] },
      intervalMs: 90_000,
      timeoutMs: 3_000,
      retries: 3,
      startPeriodMs: 500,
    });
    expect(spec.services.db?.healthcheck?.test).toEqual({
      kind: 'CMD-SHELL',
      command: 'pg_isready -U shop',
    });
    expect(spec.services.db?.limits).toEqual({
      cpus: 0.5,
      memoryBytes: 512 * 1024 ** 2,
      pids: 200,
    });
    expect(spec.services.db?.mounts).toEqual([
      { type: 'volume', source: 'db-data', target: '/var/lib/postgresql/data', readOnly: false },
    ]);
    expect(spec.services.redis?.capAdd).toEqual(['SETGID', 'SETUID']);
    expect(spec.volumes).toEqual({ 'db-data': { name: 'db-data', labels: {} } });
  });

  it('resolves x-berth', () => {
    expect(spec.berth).toEqual({
      expose: ['web', 'api'],
      ports: { web: 3000, api: 3001 },
      public: false,
      database: { service: 'db' },
      variables: { API_PUBLIC_URL: '{{ urls.api }}', DB_PASSWORD: '{{ secrets.db_password }}' },
      secrets: ['db_password'],
    });
  });

  it('without a template, x-berth.variables are not applied and required ones fail clearly', () => {
    expect(problemsOf(SHOP)).toEqual([
      {
        path: 'services.api.environment[0]',
        message: 'required variable DB_PASSWORD is not set: set DB_PASSWORD',
      },
    ]);
  });

  it('reports an unknown template placeholder in x-berth.variables', () => {
    const result = parseCompose(SHOP, { template: { urls: {}, secrets: {} } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]).toEqual({
        path: 'x-berth.variables.API_PUBLIC_URL',
        message: 'unknown placeholder `{{ urls.api }}`; known: (none)',
      });
    }
  });
});

describe('parseCompose: YAML safety', () => {
  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'.split('').map((c, i) => {
        const prev = 'abcdefghi'[i] as string;
        return `${c}: &${c} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
      }),
      'services: { x: { image: "y", command: *i } }',
    ].join('\n');
    const problems = problemsOf(bomb);
    expect(problems[0]?.path).toBe('(yaml)');
    expect(problems[0]?.message).toMatch(/alias/i);
  });

  it('reports syntax errors and duplicate keys', () => {
    expect(paths('services: [\n')).toContain('(yaml)');
    expect(problemsOf('services:\n  a: {image: x}\n  a: {image: y}\n')[0]?.message).toMatch(
      /unique/i,
    );
  });

  it('refuses oversized files', () => {
    expect(problemsOf(`# ${'x'.repeat(600 * 1024)}\nservices: {}`)[0]?.message).toMatch(
      /larger than 512 KiB/,
    );
  });

  it.each([
    ['', 'the compose file must be a mapping'],
    ['- a\n- b', 'the compose file must be a mapping'],
    ['volumes: {}', 'the compose file has no services'],
    ['services: []', 'expected a mapping of service name to service'],
    ['services: {}', 'the compose file has no services'],
  ])('%j → %s', (text, message) => {
    expect(problemsOf(text)[0]?.message).toContain(message);
  });

  it('reads unknown tags as plain strings, never executing them, and warns', () => {
    const result = parseCompose('services:\n  a:\n    image: !!js/function "x"\n');
    expect(result.ok && result.spec.services.a?.image).toBe('x');
    expect(result.warnings[0]).toMatchObject({
      path: '(yaml)',
      message: expect.stringMatching(/tag/i),
    });
  });
});

describe('parseCompose: security refusals, all at once', () => {
  const HOSTILE = `
services:
  evil:
    image: alpine
    privileged: true
    network_mode: host
    pid: host
    ipc: host
    userns_mode: host
    cap_add: [NET_ADMIN, SYS_ADMIN, CHOWN, ALL]
    devices: ['/dev/sda:/dev/sda']
    security_opt: ['seccomp:unconfined', 'apparmor=unconfined', 'no-new-privileges:false', 'label:disable', 'no-new-privileges:true']
    sysctls: { net.core.somaxconn: 1024 }
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /:/host
      - ../outside:/app
      - ~/secrets:/secrets
      - { type: bind, source: /etc, target: /etc }
      - { type: volume, source: /abs, target: /x }
    cgroup_parent: host.slice
    runtime: runc
    use_api_socket: true
  sneaky:
    image: alpine
    network_mode: 'container:berth-other--repo-pr-1-db'
    pid: 'container:x'
`;

  const problems = problemsOf(HOSTILE);
  const byPath = new Map(problems.map((p) => [p.path, p.message]));

  it.each([
    ['services.evil.privileged', /privileged containers are refused/],
    ['services.evil.network_mode', /`network_mode: host` is refused/],
    ['services.evil.pid', /`pid: host` is refused/],
    ['services.evil.ipc', /`ipc: host` is refused/],
    ['services.evil.userns_mode', /`userns_mode: host` is refused/],
    ['services.evil.cap_add[0]', /capability `NET_ADMIN` is refused; allowed: CHOWN/],
    ['services.evil.cap_add[1]', /SYS_ADMIN/],
    ['services.evil.cap_add[3]', /`ALL` is refused/],
    ['services.evil.devices', /no host devices/],
    ['services.evil.security_opt[0]', /turns off confinement/],
    ['services.evil.security_opt[1]', /turns off confinement/],
    ['services.evil.security_opt[2]', /turns off confinement/],
    ['services.evil.security_opt[3]', /turns off confinement/],
    ['services.evil.sysctls', /sysctls are refused/],
    ['services.evil.volumes[0]', /Docker socket is refused/],
    ['services.evil.volumes[1]', /host bind mounts are refused/],
    ['services.evil.volumes[2]', /leaves the repository.*only paths inside the repository/],
    ['services.evil.volumes[3]', /host bind mounts are refused/],
    ['services.evil.volumes[4].source', /host bind mounts are refused/],
    ['services.evil.volumes[5].source', /host bind mounts are refused/],
    ['services.evil.cgroup_parent', /isolation/],
    ['services.evil.runtime', /isolation/],
    ['services.evil.use_api_socket', /Docker API is refused/],
    ['services.sneaky.network_mode', /joins a container outside this preview/],
    ['services.sneaky.pid', /joins a container outside this preview/],
  ])('%s', (path, message) => {
    expect(byPath.get(path)).toMatch(message);
  });

  it('does not refuse the allowed parts', () => {
    expect(byPath.has('services.evil.cap_add[2]')).toBe(false);
    expect(byPath.has('services.evil.security_opt[4]')).toBe(false);
  });

  it('throws a ComposeError listing every problem', () => {
    expect(() => parseComposeOrThrow(HOSTILE)).toThrow(ComposeError);
    try {
      parseComposeOrThrow(HOSTILE);
    } catch (error) {
      expect((error as ComposeError).problems).toHaveLength(problems.length);
      expect((error as Error).message).toMatch(/^compose file has \d+ problems:\n- services\.evil/);
    }
  });
});

describe('parseCompose: service validation', () => {
  const one = (service: string, extra = '') =>
    `services:\n  s:\n${service.replace(/^/gm, '    ')}\n${extra}`;

  it.each([
    ['command: x', 'services.s', /needs `image` or `build`/],
    ['image: ""', 'services.s.image', /not a valid reference/],
    ['image: x\nenv_file: .env', 'services.s.env_file', /`.env` does not exist in the repository/],
    ['image: x\nenv_file: ../up.env', 'services.s.env_file', /leaves the repository/],
    ['image: x\nsecrets: [a]', 'services.s.secrets[0]', /secret `a` is not declared/],
    ['image: x\nconfigs: [a]', 'services.s.configs[0]', /config `a` is not declared/],
    ['image: x\nextends: { service: y }', 'services.s.extends.service', /`y` is not in this file/],
    ['image: x\nextends: { service: s }', 'services.s.extends', /extends cycle/],
    ['image: x\nhostname: "a b"', 'services.s.hostname', /not a valid host name/],
    ['image: x\npull_policy: sometimes', 'services.s.pull_policy', /unknown pull_policy/],
    ['image: x\nnetworks: [back]', 'services.s.networks[0]', /network `back` is not declared/],
    [
      'image: x\nvolumes: ["/srv/app:/app"]',
      'services.s.volumes[0]',
      /host bind mounts are refused/,
    ],
    ['image: x\nimagee: y', 'services.s.imagee', /unknown service key/],
    [
      'image: x\ndepends_on: [ghost]',
      'services.s.depends_on.ghost',
      /unknown service `ghost`; services: s/,
    ],
    ['image: x\ndepends_on: [s]', 'services.s.depends_on.s', /cannot depend on itself/],
    [
      'image: x\ndepends_on: { s2: { condition: service_ready } }',
      'services.s.depends_on.s2.condition',
      /unknown condition/,
    ],
    ['image: x\ndepends_on: "s2"', 'services.s.depends_on', /list of service names or a mapping/],
    ['image: x\nports: ["70000"]', 'services.s.ports[0]', /invalid container port/],
    ['image: x\nports: ["1:2:3:4"]', 'services.s.ports[0]', /invalid port mapping/],
    ['image: x\nports: ["80/sctp"]', 'services.s.ports[0]', /protocol/],
    ['image: x\nports: ["1-1000"]', 'services.s.ports[0]', /more than 100/],
    ['image: x\nports: "80"', 'services.s.ports', /expected a list/],
    ['image: x\nexpose: ["abc"]', 'services.s.expose[0]', /invalid container port/],
    ['image: x\nhealthcheck: { test: [CMDX, a] }', 'services.s.healthcheck.test', /CMD, program/],
    ['image: x\nhealthcheck: { test: [CMD] }', 'services.s.healthcheck.test', /CMD, program/],
    [
      'image: x\nhealthcheck: { test: [CMD-SHELL, a, b] }',
      'services.s.healthcheck.test',
      /CMD-SHELL/,
    ],
    ['image: x\nhealthcheck: { interval: 5s }', 'services.s.healthcheck.test', /needs a `test`/],
    [
      'image: x\nhealthcheck: { test: x, interval: 5 }',
      'services.s.healthcheck.interval',
      /duration `5` is not valid/,
    ],
    [
      'image: x\nhealthcheck: { test: x, retries: -1 }',
      'services.s.healthcheck.retries',
      /whole number/,
    ],
    [
      'image: x\nhealthcheck: { test: x, intervall: 5s }',
      'services.s.healthcheck.intervall',
      /unknown healthcheck key/,
    ],
    ['image: x\nrestart: sometimes', 'services.s.restart', /not valid/],
    ['image: x\nrestart: always:3', 'services.s.restart', /not valid/],
    ['image: x\nvolumes: [data:/d]', 'services.s.volumes[0]', /volume `data` is not declared/],
    ['image: x\nvolumes: [relative]', 'services.s.volumes[0]', /absolute path/],
    ['image: x\nvolumes: ["v:/d:rx"]', 'services.s.volumes[0]', /unknown mount option/],
    [
      'image: x\nvolumes: [{ type: npipe, target: /x }]',
      'services.s.volumes[0].type',
      /not supported/,
    ],
    ['image: x\nworking_dir: app', 'services.s.working_dir', /absolute/],
    ['image: x\ninit: "yes"', 'services.s.init', /true or false/],
    ['image: x\ncommand: "echo \\"oops"', 'services.s.command', /unterminated/],
    [
      'image: x\ndeploy: { resources: { limits: { memory: 1k } } }',
      'services.s.deploy.resources.limits.memory',
      /minimum of 6m/,
    ],
    [
      'image: x\ndeploy: { resources: { limits: { cpus: "-1" } } }',
      'services.s.deploy.resources.limits.cpus',
      /number > 0/,
    ],
    [
      'image: x\ndeploy: { resources: { limits: { cpus: "lots" } } }',
      'services.s.deploy.resources.limits.cpus',
      /number > 0/,
    ],
    [
      'image: x\ndeploy: { resources: { limits: { pids: 0 } } }',
      'services.s.deploy.resources.limits.pids',
      /whole number > 0/,
    ],
    [
      'image: x\ndeploy: { resources: { limits: { gpus: 1 } } }',
      'services.s.deploy.resources.limits.gpus',
      /unknown limit/,
    ],
    ['image: x\nlabels: { berth.env: spoof }', 'services.s.labels.berth.env', /reserved/],
    ['image: x\nenvironment: "A=1"', 'services.s.environment', /KEY=value or a mapping/],
    [
      'image: x\nenvironment: { A: "${B:?B is required}" }',
      'services.s.environment.A',
      /required variable B is not set: B is required/,
    ],
  ])('%j → %s', (service, path, message) => {
    const problems = problemsOf(one(service, 'volumes: { v: }'));
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses bad service names', () => {
    expect(
      paths('services:\n  "-bad": { image: x }\n  "a b": { image: x }\n  ok: { image: x }'),
    ).toEqual(['services.-bad', 'services.a b']);
  });

  it('reports dependency cycles once, naming the path', () => {
    const problems = problemsOf(`
services:
  a: { image: x, depends_on: [b] }
  b: { image: x, depends_on: [c] }
  c: { image: x, depends_on: [a] }
  d: { image: x, depends_on: [e] }
  e: { image: x, depends_on: [d] }
`);
    expect(problems).toEqual([
      { path: 'services.a.depends_on', message: expect.stringContaining('a → b → c → a') },
      { path: 'services.d.depends_on', message: expect.stringContaining('d → e → d') },
    ]);
  });

  it('collects problems from many services in one pass', () => {
    const problems = problemsOf(`
services:
  a: { command: x }
  b: { image: x, privileged: true, env_file: .env }
  c: { image: x, depends_on: [zzz] }
`);
    expect(problems.map((p) => p.path)).toEqual([
      'services.a',
      'services.b.privileged',
      'services.b.env_file',
      'services.c.depends_on.zzz',
    ]);
  });
});

describe('parseCompose: accepted forms', () => {
  const parse = (text: string, variables: Record<string, string> = {}) => {
    const result = parseCompose(text, { variables });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result;
  };

  it('reads ports in every syntax', () => {
    const { spec } = parse(`
services:
  s:
    image: x
    ports: ['80', '8080:81', '127.0.0.1:8080:82/tcp', '[::1]:9000:83', '53/udp', '90-92', { target: 84, published: 9999, host_ip: 0.0.0.0 }, 80]
    expose: ['85', 86, 80]
`);
    expect(spec.services.s?.ports).toEqual([
      { port: 80, protocol: 'tcp' },
      { port: 81, protocol: 'tcp' },
      { port: 82, protocol: 'tcp' },
      { port: 83, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
      { port: 90, protocol: 'tcp' },
      { port: 91, protocol: 'tcp' },
      { port: 92, protocol: 'tcp' },
      { port: 84, protocol: 'tcp' },
      { port: 85, protocol: 'tcp' },
      { port: 86, protocol: 'tcp' },
    ]);
  });

  it('reads environment in both forms, and entrypoint/command in both forms', () => {
    const { spec, warnings } = parse(
      `
services:
  a: { image: x, environment: [A=1, B, C], entrypoint: [], command: ["sh", "-c", "x"] }
  b: { image: x, environment: { A: 1, B: null, C: ~, D: false }, entrypoint: /init.sh --fast }
`,
      { B: 'from-vars' },
    );
    expect(spec.services.a?.environment).toEqual({ A: '1', B: 'from-vars' });
    expect(spec.services.a?.entrypoint).toEqual([]);
    expect(spec.services.a?.command).toEqual(['sh', '-c', 'x']);
    expect(spec.services.b?.environment).toEqual({ A: '1', B: 'from-vars', D: 'false' });
    expect(spec.services.b?.entrypoint).toEqual(['/init.sh', '--fast']);
    expect(warnings.map((w) => w.path)).toEqual([
      'services.a.environment[2]',
      'services.b.environment.C',
    ]);
  });

  it('reads healthcheck forms and restart policies', () => {
    const { spec } = parse(`
services:
  a: { image: x, healthcheck: { test: [NONE] }, restart: on-failure:3 }
  b: { image: x, healthcheck: { disable: true }, restart: unless-stopped }
  c: { image: x, healthcheck: { test: [CMD-SHELL, "curl -f localhost"], start_interval: 1s }, restart: no }
  d: { image: x, restart: always, stop_grace_period: 1m }
`);
    expect(spec.services.a?.healthcheck).toEqual({ test: { kind: 'NONE' } });
    expect(spec.services.a?.restart).toEqual({ name: 'on-failure', maxRetries: 3 });
    expect(spec.services.b?.healthcheck).toEqual({ test: { kind: 'NONE' } });
    expect(spec.services.c?.healthcheck).toEqual({
      test: { kind: 'CMD-SHELL', command: 'curl -f localhost' },
      startIntervalMs: 1000,
    });
    expect(spec.services.c?.restart).toEqual({ name: 'no' });
    expect(spec.services.d?.restart).toEqual({ name: 'always' });
    expect(spec.services.d?.stopGracePeriodMs).toBe(60_000);
  });

  it('reads named, anonymous, read-only and tmpfs mounts', () => {
    const { spec } = parse(`
services:
  a:
    image: x
    volumes: ['data:/data:ro', '/cache', { type: tmpfs, target: /tmp }, { type: volume, source: data, target: /d2, read_only: true }, { type: volume, target: /anon }]
volumes:
  data: { labels: { team: web } }
`);
    expect(spec.services.a?.mounts).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: true },
      { type: 'anonymous', target: '/cache', readOnly: false },
      { type: 'tmpfs', target: '/tmp' },
      { type: 'volume', source: 'data', target: '/d2', readOnly: true },
      { type: 'anonymous', target: '/anon', readOnly: false },
    ]);
    expect(spec.volumes.data).toEqual({ name: 'data', labels: { team: 'web' } });
  });

  it('reads a secret without `file:` as a file from the preview’s secret scope', () => {
    const { spec } = parse(`
services:
  a:
    image: x
    secrets: [api_key, { source: stripe, target: /etc/stripe.key }, { source: db, target: db.pw }]
secrets:
  api_key: { external: true }
  stripe: { name: stripe_test }
  db: { external: true, name: db_password }
`);
    expect(spec.services.a?.mounts).toEqual([
      { type: 'scope-secret', name: 'api_key', target: '/run/secrets/api_key' },
      { type: 'scope-secret', name: 'stripe_test', target: '/etc/stripe.key' },
      { type: 'scope-secret', name: 'db_password', target: '/run/secrets/db.pw' },
    ]);
  });

  it('reads the short limit keys; deploy wins', () => {
    const { spec } = parse(`
services:
  a: { image: x, cpus: 2, mem_limit: 1g, pids_limit: 50 }
  b: { image: x, cpus: 2, deploy: { resources: { limits: { cpus: 0.25 } } } }
`);
    expect(spec.services.a?.limits).toEqual({ cpus: 2, memoryBytes: 1024 ** 3, pids: 50 });
    expect(spec.services.b?.limits).toEqual({ cpus: 0.25 });
  });

  it('warns about what it ignores', () => {
    const { warnings } = parse(`
version: "3.9"
name: shop
networks: { front: {} }
services:
  a: { image: x, networks: [front], container_name: fixed, deploy: { replicas: 3 }, x-note: hi }
volumes:
  v: { name: global-v }
`);
    expect(warnings.map((w) => w.path)).toEqual([
      'version',
      'name',
      'volumes.v.name',
      'services.a.container_name',
      'services.a.deploy.replicas',
    ]);
  });

  it('warns once per unset variable', () => {
    const { warnings, spec } = parse(
      'services:\n  a: { image: "x:${TAG}", environment: { T: "${TAG}" } }',
    );
    expect(spec.services.a?.image).toBe('x:');
    expect(warnings).toEqual([
      { path: 'services.a.image', message: 'variable TAG is not set; using an empty string' },
    ]);
  });

  it('does not interpolate x-berth', () => {
    const { spec } = parse(`
services:
  web: { image: x, ports: ['3000'] }
x-berth:
  variables: { COST: 'costs $5 \${NOPE}' }
`);
    expect(spec.berth.variables.COST).toBe('costs $5 ${NOPE}');
  });
});

describe('parseCompose: top-level volumes and x-berth', () => {
  it.each([
    ['volumes: { v: { external: true } }', 'volumes.v.external', /external volumes are refused/],
    ['volumes: { v: { driver: nfs } }', 'volumes.v.driver', /local/],
    [
      'volumes: { v: { driver_opts: { type: none, device: /etc, o: bind } } }',
      'volumes.v.driver_opts',
      /refused/,
    ],
    ['volumes: { v: { size: 1 } }', 'volumes.v.size', /unknown volume key/],
    ['volumes: [v]', 'volumes', /mapping of volume name/],
    ['secrets: { s: { file: ./s } }', 'secrets.s.file', /`s` does not exist in the repository/],
    ['secrets: { s: { environment: TOKEN } }', 'secrets.s.environment', /berth secret set/],
    ['secrets: { S-1: { external: true } }', 'secrets.S-1', /not a secret scope name/],
    ['secrets: { s: { external: true, driver: x } }', 'secrets.s.driver', /unknown key/],
    ['configs: { c: { file: /etc/passwd } }', 'configs.c.file', /is absolute/],
    ['networks: { n: { external: true } }', 'networks.n.external', /external networks are refused/],
    ['networks: { n: { driver: host } }', 'networks.n.driver', /bridge/],
    ['include: [other.yml]', 'include', /not supported yet/],
    ['x-berth: { expose: [ghost] }', 'x-berth.expose[0]', /unknown service `ghost`/],
    ['x-berth: { expose: [worker] }', 'x-berth.expose[0]', /has no TCP port/],
    ['x-berth: { ports: { worker: 80 } }', 'x-berth.ports.worker', /not in x-berth.expose/],
    ['x-berth: { ports: { web: 0 } }', 'x-berth.ports.web', /port number/],
    ['x-berth: { public: "yes" }', 'x-berth.public', /true or false/],
    ['x-berth: { database: { service: ghost } }', 'x-berth.database.service', /unknown service/],
    ['x-berth: { database: db }', 'x-berth.database', /mapping like/],
    [
      'x-berth: { database: { service: worker, seed: { service: ghost, command: [x] } } }',
      'x-berth.database.seed.service',
      /unknown service `ghost`/,
    ],
    [
      'x-berth: { database: { service: worker, seed: { service: web } } }',
      'x-berth.database.seed.command',
      /is required/,
    ],
    [
      'x-berth: { database: { service: worker, seed: [x] } }',
      'x-berth.database.seed',
      /mapping like/,
    ],
    [
      'x-berth: { database: { service: worker, template: x } }',
      'x-berth.database.template',
      /known: service, seed/,
    ],
    ['x-berth: { secrets: [Bad-Name] }', 'x-berth.secrets[0]', /must match/],
    ['x-berth: { variables: { 1X: a } }', 'x-berth.variables.1X', /variable name/],
    ['x-berth: { exposed: [web] }', 'x-berth.exposed', /unknown x-berth key/],
    ['x-berth: [web]', 'x-berth', /expected a mapping/],
  ])('%j → %s', (extra, path, message) => {
    const text = `services:\n  web: { image: x, ports: ['3000', '9229'] }\n  worker: { image: x }\n${extra}\n`;
    expect(problemsOf(text)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reads the database seed: a list as it is, a string through sh -c', () => {
    const of = (seed: string) => {
      const result = parseCompose(
        `services:\n  web: { image: x, ports: ['3000'] }\n  db: { image: x }\nx-berth:\n  database: { service: db, seed: ${seed} }\n`,
      );
      return result.ok ? result.spec.berth.database : result.problems;
    };
    expect(of('{ service: web, command: [npm, run, seed] }')).toEqual({
      service: 'db',
      seed: { service: 'web', command: ['npm', 'run', 'seed'] },
    });
    expect(of("{ service: web, command: 'npm run seed && echo done' }")).toEqual({
      service: 'db',
      seed: { service: 'web', command: ['sh', '-c', 'npm run seed && echo done'] },
    });
  });

  it('exposes every service with a TCP port by default, on its first port', () => {
    const result = parseCompose(
      "services:\n  web: { image: x, ports: ['3000', '9229'] }\n  dns: { image: x, ports: ['53/udp'] }\n  worker: { image: x }\n",
    );
    expect(result.ok && result.spec.berth).toEqual({
      expose: ['web'],
      ports: { web: 3000 },
      public: false,
      variables: {},
      secrets: [],
    });
  });

  it('lets x-berth pick the port and make the preview public', () => {
    const result = parseCompose(
      "services:\n  web: { image: x, ports: ['3000', '9229'] }\nx-berth: { expose: [web, web], ports: { web: 9229 }, public: true }\n",
    );
    expect(result.ok && result.spec.berth).toMatchObject({
      expose: ['web'],
      ports: { web: 9229 },
      public: true,
    });
  });
});

describe('parseCompose: URL placeholders must name exposed services', () => {
  it('refuses {{ urls.X }} / {{ hosts.X }} for services that are not exposed', () => {
    const problems = problemsOf(`
services:
  web: { image: x, ports: ['3000'], environment: { A: '{{ urls.worker }}', B: '{{ urls.web }}', C: '{{hosts.ghost}}' } }
  worker: { image: x }
x-berth:
  variables: { W: '{{ urls.worker }}', S: '{{ secrets.x }}' }
`);
    expect(problems).toEqual([
      {
        path: 'x-berth.variables.W',
        message: expect.stringMatching(
          /`\{\{ urls.worker \}\}` names a service that is not exposed; exposed: web/,
        ),
      },
      { path: 'services.web.environment.A', message: expect.stringMatching(/urls.worker/) },
      { path: 'services.web.environment.C', message: expect.stringMatching(/hosts.ghost/) },
    ]);
  });
});

describe('parseCompose: namespaces and optional dependencies', () => {
  it.each([
    ['network_mode: none', 'services.s.network_mode', /not supported/],
    ['network_mode: bridge', 'services.s.network_mode', /not supported/],
    ['network_mode: "service:db"', 'services.s.network_mode', /not supported/],
    ['ipc: "service:db"', 'services.s.ipc', /not supported/],
    ['uts: private', 'services.s.uts', /not supported/],
  ])('%j → %s', (line, path, message) => {
    expect(problemsOf(`services:\n  s:\n    image: x\n    ${line}\n`)).toContainEqual({
      path,
      message: expect.stringMatching(message),
    });
  });

  it('ignores a private IPC namespace with a warning', () => {
    const result = parseCompose('services:\n  s: { image: x, ipc: private }\n');
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['services.s.ipc']);
  });

  it('drops a missing optional dependency with a warning, keeps required ones strict', () => {
    const result = parseCompose(`
services:
  s: { image: x, depends_on: { ghost: { condition: service_started, required: false }, t: { condition: service_healthy } } }
  t: { image: x }
`);
    expect(result.ok && result.spec.services.s?.dependsOn).toEqual({
      t: { condition: 'service_healthy', required: true },
    });
    expect(result.warnings).toEqual([
      {
        path: 'services.s.depends_on.ghost',
        message: 'optional dependency `ghost` is not in the file; ignored',
      },
    ]);
  });
});
