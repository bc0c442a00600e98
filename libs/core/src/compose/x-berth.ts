import { isMap, scalar, stringList, typeName } from './fields.js';
import { parseE2eTests, type RawE2eTestSpec } from './x-berth-tests.js';
import { type BerthExtension, type DatabaseExtension, type ServiceSpec } from './model.js';
import { isNonHttpPort } from './non-http-ports.js';
import { type ProblemList, childPath } from './problems.js';

/**
 * `x-berth`: what Berth needs to know about a compose file that compose itself cannot say.
 * It is NOT interpolated (`$` stays literal); its `variables` are templates rendered per
 * environment, then fed to the interpolation of the rest of the file.
 *
 * ```yaml
 * x-berth:
 *   expose: [web, api]        # services that get a preview URL; default: every service with an
 *                             #   HTTP-capable port (not 5432, 6379, 3306, 27017, …: non-http-ports.ts)
 *   ports: { web: 3000 }      # container port the gateway routes to; default: the service's first
 *                             #   HTTP-capable port, else its first port
 *   public: false             # true = no access control in front of the URLs; default false
 *   database:                 # optional: the service whose data Berth manages per PR (how it
 *     service: db             #   starts comes from the `db:*` labels: a copy of the base, or empty)
 *     seed:                   # optional: fills an empty database (db:fresh, first base), never a copy
 *       service: api          #   a running service to run it in, once everything is up
 *       command: [npm, run, seed]   # a list, or a string run with `sh -c`
 *   secrets: [db_password]    # generated once per environment; use as {{ secrets.db_password }}
 *   variables:                # interpolation variables, rendered per environment
 *     API_PUBLIC_URL: '{{ urls.api }}'
 *     SHOP_DB_PASSWORD: '{{ secrets.db_password }}'
 *   tests:                    # optional: end-to-end tests run against the ready preview
 *     image: shop-e2e:1       #   (x-berth-tests.ts)
 *   shapes:                   # optional: stack shapes a label picks (`preview:frontend-only`);
 *     frontend-only: [web]    #   the services the PR runs; the rest is the base environment's
 * ```
 */

const KNOWN = ['expose', 'ports', 'public', 'database', 'secrets', 'variables', 'tests', 'shapes'];
/** The shapes a label can pick; `full-stack` (everything) needs no declaration. */
const SHAPES = ['frontend-only'];
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET = /^[a-z][a-z0-9_]{0,62}$/;

export interface RawBerthExtension {
  expose?: string[];
  ports: Record<string, number>;
  public: boolean;
  database?: DatabaseExtension;
  variables: Record<string, string>;
  secrets: string[];
  /** Its `build` is read once the compose file's directory is known (`resolveE2eTestsBuild`). */
  tests?: RawE2eTestSpec;
  shapes: Record<string, string[]>;
}

/** Shape checks that need no services. */
export function parseBerthExtension(value: unknown, problems: ProblemList): RawBerthExtension {
  const path = 'x-berth';
  const ext: RawBerthExtension = {
    ports: {},
    public: false,
    variables: {},
    secrets: [],
    shapes: {},
  };
  if (value === undefined || value === null) return ext;
  if (!isMap(value)) {
    problems.add(path, `expected a mapping, got ${typeName(value)}`);
    return ext;
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.includes(key))
      problems.add(childPath(path, key), `unknown x-berth key; known: ${KNOWN.join(', ')}`);
  }
  if (value.expose !== undefined)
    ext.expose = [...new Set(stringList(value.expose, childPath(path, 'expose'), problems))];
  if (value.ports !== undefined) {
    const at = childPath(path, 'ports');
    if (!isMap(value.ports))
      problems.add(at, `expected a mapping of service to port, got ${typeName(value.ports)}`);
    else {
      for (const [service, port] of Object.entries(value.ports)) {
        if (Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535)
          ext.ports[service] = port as number;
        else problems.add(childPath(at, service), 'expected a port number 1-65535');
      }
    }
  }
  if (value.public !== undefined) {
    if (typeof value.public === 'boolean') ext.public = value.public;
    else problems.add(childPath(path, 'public'), 'expected true or false');
  }
  if (value.database !== undefined) {
    const at = childPath(path, 'database');
    if (!isMap(value.database))
      problems.add(at, `expected a mapping like { service: db }, got ${typeName(value.database)}`);
    else {
      for (const key of Object.keys(value.database)) {
        if (key !== 'service' && key !== 'seed')
          problems.add(childPath(at, key), 'unknown key; known: service, seed');
      }
      const service = scalar(value.database.service, childPath(at, 'service'), problems);
      const seed = parseSeed(value.database.seed, childPath(at, 'seed'), problems);
      if (service !== undefined) ext.database = { service, ...(seed ? { seed } : {}) };
    }
  }
  if (value.secrets !== undefined) {
    const at = childPath(path, 'secrets');
    stringList(value.secrets, at, problems).forEach((name, index) => {
      if (!SECRET.test(name))
        problems.add(childPath(at, index), `secret name \`${name}\` must match ${SECRET.source}`);
      else if (!ext.secrets.includes(name)) ext.secrets.push(name);
    });
  }
  if (value.variables !== undefined) {
    const at = childPath(path, 'variables');
    if (!isMap(value.variables))
      problems.add(at, `expected a mapping of NAME to template, got ${typeName(value.variables)}`);
    else {
      for (const [name, template] of Object.entries(value.variables)) {
        if (!VARIABLE.test(name)) {
          problems.add(
            childPath(at, name),
            'a variable name is letters, digits and `_`, not starting with a digit',
          );
          continue;
        }
        const text = scalar(template, childPath(at, name), problems);
        if (text !== undefined) ext.variables[name] = text;
      }
    }
  }
  const tests = parseE2eTests(value.tests, problems);
  if (tests) ext.tests = tests;
  if (value.shapes !== undefined) {
    const at = childPath(path, 'shapes');
    if (!isMap(value.shapes)) {
      problems.add(
        at,
        `expected a mapping like { frontend-only: [web] }, got ${typeName(value.shapes)}`,
      );
    } else {
      for (const [shape, services] of Object.entries(value.shapes)) {
        if (!SHAPES.includes(shape)) {
          problems.add(
            childPath(at, shape),
            `unknown shape; known: ${SHAPES.join(', ')} (full-stack runs every service)`,
          );
          continue;
        }
        const list = [...new Set(stringList(services, childPath(at, shape), problems))];
        if (list.length === 0) problems.add(childPath(at, shape), 'name at least one service');
        else ext.shapes[shape] = list;
      }
    }
  }
  return ext;
}

/** Cross-checks against the services and fills defaults. */
export function resolveBerthExtension(
  raw: RawBerthExtension,
  services: Readonly<Record<string, ServiceSpec>>,
  problems: ProblemList,
): BerthExtension {
  const tcpPorts = (service: ServiceSpec): number[] =>
    service.ports.filter((p) => p.protocol === 'tcp').map((p) => p.port);
  const httpPorts = (service: ServiceSpec): number[] =>
    tcpPorts(service).filter((port) => !isNonHttpPort(port));
  // By default only what can answer HTTP gets a URL; naming a service in x-berth.expose overrides.
  const expose =
    raw.expose ??
    Object.values(services)
      .filter((s) => httpPorts(s).length > 0)
      .map((s) => s.name);
  const ports: Record<string, number> = {};
  expose.forEach((name, index) => {
    const at = raw.expose ? `x-berth.expose[${index}]` : 'x-berth.expose';
    const service = services[name];
    if (!service) {
      problems.add(
        at,
        `unknown service \`${name}\`; services: ${Object.keys(services).join(', ')}`,
      );
      return;
    }
    const port = raw.ports[name] ?? httpPorts(service)[0] ?? tcpPorts(service)[0];
    if (port === undefined) {
      problems.add(
        at,
        `service \`${name}\` has no TCP port: add one under its \`ports\` or \`expose\`, or set x-berth.ports.${name}`,
      );
      return;
    }
    ports[name] = port;
  });
  for (const name of Object.keys(raw.ports)) {
    if (!expose.includes(name))
      problems.add(`x-berth.ports.${name}`, `\`${name}\` is not in x-berth.expose`);
  }
  if (raw.database && !services[raw.database.service]) {
    problems.add('x-berth.database.service', `unknown service \`${raw.database.service}\``);
  }
  const seedService = raw.database?.seed?.service;
  if (seedService !== undefined && !services[seedService]) {
    problems.add(
      'x-berth.database.seed.service',
      `unknown service \`${seedService}\`; services: ${Object.keys(services).join(', ')}`,
    );
  }
  for (const [shape, list] of Object.entries(raw.shapes)) {
    list.forEach((name, index) => {
      if (!services[name]) {
        problems.add(
          `x-berth.shapes.${shape}[${index}]`,
          `unknown service \`${name}\`; services: ${Object.keys(services).join(', ')}`,
        );
      }
    });
  }
  const ext: BerthExtension = {
    expose: expose.filter((name) => ports[name] !== undefined),
    ports,
    public: raw.public,
    variables: raw.variables,
    secrets: raw.secrets,
    ...(Object.keys(raw.shapes).length > 0 ? { shapes: raw.shapes } : {}),
  };
  if (raw.database) ext.database = raw.database;
  return ext;
}

/** `seed: { service, command }`: command as a list, or a string for `sh -c`. */
function parseSeed(
  value: unknown,
  at: string,
  problems: ProblemList,
): DatabaseExtension['seed'] | undefined {
  if (value === undefined) return undefined;
  if (!isMap(value)) {
    problems.add(
      at,
      `expected a mapping like { service: api, command: [npm, run, seed] }, got ${typeName(value)}`,
    );
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'service' && key !== 'command')
      problems.add(childPath(at, key), 'unknown key; known: service, command');
  }
  const service = scalar(value.service, childPath(at, 'service'), problems);
  const raw = value.command;
  let command: string[] | undefined;
  if (typeof raw === 'string' && raw.trim() !== '') command = ['sh', '-c', raw];
  else if (Array.isArray(raw) && raw.length > 0) {
    command = stringList(raw, childPath(at, 'command'), problems);
  } else {
    problems.add(
      childPath(at, 'command'),
      'is required: a list like [npm, run, seed], or a string',
    );
  }
  return service !== undefined && command && command.length > 0 ? { service, command } : undefined;
}
