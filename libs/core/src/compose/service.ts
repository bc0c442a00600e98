import { parseByteSize } from '../units/bytes.js';
import { parseComposeDuration } from '../units/duration.js';
import { parseBuild } from './build.js';
import { commandLine, isMap, keyValues, scalar, typeName } from './fields.js';
import { parseHealthcheck } from './healthcheck.js';
import {
  type Dependency,
  type DependencyCondition,
  type ResourceLimits,
  type RestartPolicy,
  type ServiceSpec,
} from './model.js';
import type { RepoFileReader } from './load-tree.js';
import { parseMounts } from './mounts.js';
import { parseHostname, parsePullPolicy, parseServiceNetworks } from './networks.js';
import { parseExpose, parsePorts, uniquePorts } from './ports.js';
import { type ProblemList, childPath } from './problems.js';
import { type RepoFileEntry, parseServiceRepoFiles, readEnvFiles } from './repo-files.js';
import { checkSecurity } from './security.js';
import {
  HANDLED_SERVICE_KEYS,
  IGNORED_SERVICE_KEYS,
  UNSUPPORTED_SERVICE_KEYS,
} from './service-keys.js';

const CONDITIONS: readonly DependencyCondition[] = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
];

export interface ServiceContext {
  problems: ProblemList;
  variables: Readonly<Record<string, string>>;
  declaredVolumes: ReadonlySet<string>;
  declaredNetworks: ReadonlySet<string>;
  configs: Readonly<Record<string, RepoFileEntry>>;
  secrets: Readonly<Record<string, RepoFileEntry>>;
  /** The compose file's directory, repository-relative: what relative paths start from. */
  baseDir: string;
  readFile: RepoFileReader;
}

export function normalizeService(
  name: string,
  raw: unknown,
  path: string,
  ctx: ServiceContext,
): ServiceSpec | undefined {
  const { problems } = ctx;
  if (!isMap(raw)) {
    problems.add(path, `a service must be a mapping, got ${typeName(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    const at = childPath(path, key);
    if (HANDLED_SERVICE_KEYS.has(key) || key.startsWith('x-')) continue;
    if (key in IGNORED_SERVICE_KEYS) problems.warn(at, `ignored: ${IGNORED_SERVICE_KEYS[key]}`);
    else if (key in UNSUPPORTED_SERVICE_KEYS)
      problems.add(at, UNSUPPORTED_SERVICE_KEYS[key] as string);
    else problems.add(at, `unknown service key \`${key}\`: check its spelling or remove it`);
  }

  const capAdd = checkSecurity(raw, path, problems);
  const spec: ServiceSpec = {
    name,
    environment: {},
    ports: [],
    dependsOn: {},
    restart: { name: 'no' },
    mounts: [],
    limits: {},
    capAdd,
    labels: {},
  };
  const at = (key: string): string => childPath(path, key);

  if (raw.image !== undefined) {
    const image = scalar(raw.image, at('image'), problems);
    if (image !== undefined && (image.trim() === '' || /\s/.test(image))) {
      problems.add(
        at('image'),
        `image \`${image}\` is not a valid reference (empty or contains spaces)`,
      );
    } else if (image !== undefined) spec.image = image;
  }
  if (raw.build !== undefined) {
    const build = parseBuild(
      raw.build,
      at('build'),
      problems,
      ctx.variables,
      ctx.baseDir,
      ctx.secrets,
    );
    if (build) spec.build = build;
  }
  if (raw.image === undefined && raw.build === undefined) {
    problems.add(path, 'a service needs `image` or `build`: add one');
  }

  const command = commandLine(raw.command, at('command'), problems);
  if (command) spec.command = command;
  const entrypoint = commandLine(raw.entrypoint, at('entrypoint'), problems);
  if (entrypoint) spec.entrypoint = entrypoint;
  // env_file first, `environment` over it (compose's precedence).
  const fromFiles =
    raw.env_file === undefined
      ? {}
      : readEnvFiles(raw.env_file, at('env_file'), ctx.baseDir, ctx.readFile, problems);
  spec.environment = {
    ...fromFiles,
    ...(raw.environment === undefined
      ? {}
      : keyValues(raw.environment, at('environment'), problems, ctx.variables)),
  };
  if (raw.labels !== undefined) {
    spec.labels = keyValues(raw.labels, at('labels'), problems, ctx.variables);
    for (const key of Object.keys(spec.labels)) {
      if (key.startsWith('berth.')) {
        problems.add(
          childPath(at('labels'), key),
          '`berth.*` labels are reserved: Berth sets them to track ownership',
        );
      }
    }
  }
  spec.ports = uniquePorts([
    ...(raw.ports === undefined ? [] : parsePorts(raw.ports, at('ports'), problems)),
    ...(raw.expose === undefined ? [] : parseExpose(raw.expose, at('expose'), problems)),
  ]);
  if (raw.depends_on !== undefined)
    spec.dependsOn = parseDependsOn(raw.depends_on, at('depends_on'), problems);
  if (raw.healthcheck !== undefined) {
    const healthcheck = parseHealthcheck(raw.healthcheck, at('healthcheck'), problems);
    if (healthcheck) spec.healthcheck = healthcheck;
  }
  if (raw.restart !== undefined) spec.restart = parseRestart(raw.restart, at('restart'), problems);
  if (raw.volumes !== undefined)
    spec.mounts = parseMounts(
      raw.volumes,
      at('volumes'),
      problems,
      ctx.declaredVolumes,
      ctx.baseDir,
    );
  for (const kind of ['configs', 'secrets'] as const) {
    if (raw[kind] === undefined) continue;
    spec.mounts.push(...parseServiceRepoFiles(kind, raw[kind], at(kind), ctx[kind], problems));
  }
  const networks =
    raw.networks === undefined
      ? { networks: ['default'], aliases: [], byNetwork: {} }
      : parseServiceNetworks(raw.networks, at('networks'), ctx.declaredNetworks, problems);
  spec.networks = networks.networks;
  if (Object.keys(networks.byNetwork).length > 0) spec.networkAliases = networks.byNetwork;
  if (raw.hostname !== undefined) {
    const hostname = parseHostname(raw.hostname, at('hostname'), problems);
    if (hostname !== undefined) spec.hostname = hostname;
  }
  const aliases = [...new Set([...(spec.hostname ? [spec.hostname] : []), ...networks.aliases])];
  if (aliases.length > 0) spec.aliases = aliases.filter((a) => a !== name);
  if (raw.pull_policy !== undefined) {
    const policy = parsePullPolicy(raw.pull_policy, at('pull_policy'), problems);
    if (policy !== undefined) spec.pullPolicy = policy;
  }
  if (Array.isArray(raw.profiles) && raw.profiles.length > 0) {
    spec.profiles = raw.profiles.map(String);
  }
  for (const [key, field] of [
    ['user', 'user'],
    ['working_dir', 'workingDir'],
  ] as const) {
    if (raw[key] === undefined) continue;
    const value = scalar(raw[key], at(key), problems);
    if (value !== undefined && value !== '') spec[field] = value;
  }
  if (spec.workingDir !== undefined && !spec.workingDir.startsWith('/')) {
    problems.add(at('working_dir'), 'working_dir must be an absolute path inside the container');
  }
  for (const flag of ['init', 'read_only'] as const) {
    if (raw[flag] === undefined) continue;
    if (typeof raw[flag] === 'boolean') spec[flag === 'init' ? 'init' : 'readOnly'] = raw[flag];
    else problems.add(at(flag), `expected true or false, got ${typeName(raw[flag])}`);
  }
  if (raw.stop_grace_period !== undefined) {
    const text = scalar(raw.stop_grace_period, at('stop_grace_period'), problems);
    if (text !== undefined) {
      try {
        spec.stopGracePeriodMs = parseComposeDuration(text);
      } catch (error) {
        problems.add(at('stop_grace_period'), (error as Error).message);
      }
    }
  }
  spec.limits = parseLimits(raw, path, problems);
  return spec;
}

function parseDependsOn(
  value: unknown,
  path: string,
  problems: ProblemList,
): Record<string, Dependency> {
  const out = new Map<string, Dependency>();
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const name = scalar(item, childPath(path, index), problems);
      if (name !== undefined) out.set(name, { condition: 'service_started', required: true });
    });
  } else if (isMap(value)) {
    for (const [name, entry] of Object.entries(value)) {
      const at = childPath(path, name);
      if (entry === null) {
        out.set(name, { condition: 'service_started', required: true });
        continue;
      }
      if (!isMap(entry)) {
        problems.add(at, `expected a mapping with \`condition\`, got ${typeName(entry)}`);
        continue;
      }
      const condition = entry.condition === undefined ? 'service_started' : entry.condition;
      if (!CONDITIONS.includes(condition as DependencyCondition)) {
        problems.add(
          childPath(at, 'condition'),
          `unknown condition \`${String(condition)}\`; use one of ${CONDITIONS.join(', ')}`,
        );
        continue;
      }
      if (entry.required !== undefined && typeof entry.required !== 'boolean') {
        problems.add(childPath(at, 'required'), 'expected true or false');
        continue;
      }
      out.set(name, {
        condition: condition as DependencyCondition,
        required: entry.required !== false,
      });
    }
  } else {
    problems.add(path, `expected a list of service names or a mapping, got ${typeName(value)}`);
  }
  return Object.fromEntries(out);
}

function parseRestart(value: unknown, path: string, problems: ProblemList): RestartPolicy {
  if (value === false) return { name: 'no' };
  const text = scalar(value, path, problems);
  if (text === undefined) return { name: 'no' };
  const match = /^(no|always|unless-stopped|on-failure)(?::(\d{1,4}))?$/.exec(text);
  if (!match || (match[2] !== undefined && match[1] !== 'on-failure')) {
    problems.add(
      path,
      `restart \`${text}\` is not valid; use no, always, unless-stopped or on-failure[:N]`,
    );
    return { name: 'no' };
  }
  const policy: RestartPolicy = { name: match[1] as RestartPolicy['name'] };
  if (match[2] !== undefined) policy.maxRetries = Number(match[2]);
  return policy;
}

function cpuCount(value: unknown, path: string, problems: ProblemList): number | undefined {
  const text = scalar(value, path, problems);
  if (text === undefined) return undefined;
  const cpus = Number(text);
  if (!/^\d*\.?\d+$/.test(text.trim()) || !(cpus > 0) || cpus > 1024) {
    problems.add(path, `cpus \`${text}\` must be a number > 0, e.g. 0.5`);
    return undefined;
  }
  return cpus;
}

function byteSize(value: unknown, path: string, problems: ProblemList): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    problems.add(path, `expected a size like 512m, got ${typeName(value)}`);
    return undefined;
  }
  try {
    const bytes = parseByteSize(value);
    if (bytes < 6 * 1024 * 1024)
      throw new Error(`memory \`${value}\` is below Docker’s minimum of 6m`);
    return bytes;
  } catch (error) {
    problems.add(path, (error as Error).message);
    return undefined;
  }
}

function pidCount(value: unknown, path: string, problems: ProblemList): number | undefined {
  if (Number.isSafeInteger(value) && (value as number) > 0) return value as number;
  problems.add(path, 'pids must be a whole number > 0');
  return undefined;
}

/** `deploy.resources.limits` (and the short `cpus`/`mem_limit`/`pids_limit`); deploy wins. */
function parseLimits(
  raw: Record<string, unknown>,
  path: string,
  problems: ProblemList,
): ResourceLimits {
  const limits: ResourceLimits = {};
  const set = <K extends keyof ResourceLimits>(
    field: K,
    value: ResourceLimits[K] | undefined,
  ): void => {
    if (value !== undefined) limits[field] = value;
  };
  if (raw.cpus !== undefined) set('cpus', cpuCount(raw.cpus, childPath(path, 'cpus'), problems));
  if (raw.mem_limit !== undefined)
    set('memoryBytes', byteSize(raw.mem_limit, childPath(path, 'mem_limit'), problems));
  if (raw.pids_limit !== undefined)
    set('pids', pidCount(raw.pids_limit, childPath(path, 'pids_limit'), problems));
  if (raw.deploy === undefined) return limits;

  const deployPath = childPath(path, 'deploy');
  if (!isMap(raw.deploy)) {
    problems.add(deployPath, `expected a mapping, got ${typeName(raw.deploy)}`);
    return limits;
  }
  for (const key of Object.keys(raw.deploy)) {
    if (key === 'resources') continue;
    if (key === 'replicas' && (raw.deploy.replicas === 1 || raw.deploy.replicas === 0)) continue;
    problems.warn(
      childPath(deployPath, key),
      'ignored: a preview runs one instance of each service',
    );
  }
  const resources = raw.deploy.resources;
  if (resources === undefined) return limits;
  const resourcesPath = childPath(deployPath, 'resources');
  if (!isMap(resources)) {
    problems.add(resourcesPath, `expected a mapping, got ${typeName(resources)}`);
    return limits;
  }
  if (resources.reservations !== undefined) {
    problems.warn(
      childPath(resourcesPath, 'reservations'),
      'ignored: Berth places previews by limits',
    );
  }
  const raws = resources.limits;
  if (raws === undefined) return limits;
  const limitsPath = childPath(resourcesPath, 'limits');
  if (!isMap(raws)) {
    problems.add(limitsPath, `expected a mapping, got ${typeName(raws)}`);
    return limits;
  }
  for (const key of Object.keys(raws)) {
    if (!['cpus', 'memory', 'pids'].includes(key)) {
      problems.add(childPath(limitsPath, key), 'unknown limit; use cpus, memory or pids');
    }
  }
  if (raws.cpus !== undefined)
    set('cpus', cpuCount(raws.cpus, childPath(limitsPath, 'cpus'), problems));
  if (raws.memory !== undefined)
    set('memoryBytes', byteSize(raws.memory, childPath(limitsPath, 'memory'), problems));
  if (raws.pids !== undefined)
    set('pids', pidCount(raws.pids, childPath(limitsPath, 'pids'), problems));
  return limits;
}
