import { type TemplateContext, TemplateError, renderTemplateMap } from '../templating/render.js';
import { isMap, keyValues, typeName } from './fields.js';
import { checkDependencies } from './graph.js';
import { type InterpolationError, interpolateTree } from './interpolate.js';
import { type ComposeFile, type RepoFileReader, loadComposeTree } from './load-tree.js';
import { type ComposeSpec, type NetworkSpec, type ServiceSpec, type VolumeSpec } from './model.js';
import { parseTopLevelNetworks } from './networks.js';
import { type ComposeProblem, ComposeError, ProblemList, childPath } from './problems.js';
import { parseRepoFileEntries } from './repo-files.js';
import { normalizeService } from './service.js';
import { parseBerthExtension, resolveBerthExtension } from './x-berth.js';
import { resolveE2eTestsBuild } from './x-berth-tests.js';

export interface ParseComposeOptions {
  /** Interpolation variables (operator-provided; never the process environment). */
  variables?: Readonly<Record<string, string>>;
  /**
   * Per-environment template context. When given, `x-berth.variables` are rendered with it and
   * override `variables` (a per-PR value must not be clobbered by a global one).
   */
  template?: TemplateContext;
  /** Repository files the compose file names (env_file, extends, configs, secrets); default none. */
  readFile?: RepoFileReader;
  /** Enabled compose profiles (the operator's); default none: services with a profile stay off. */
  profiles?: readonly string[];
}

export type ParseComposeResult =
  | { ok: true; spec: ComposeSpec; warnings: ComposeProblem[] }
  | { ok: false; problems: ComposeProblem[]; warnings: ComposeProblem[] };

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const TOP_LEVEL_IGNORED: Record<string, string> = {
  version: 'the `version` key is obsolete',
  name: 'Berth names each preview itself',
};
const TOP_LEVEL_REFUSED: Record<string, string> = {
  include: 'include is not supported yet: merge the included file into this one, or use `extends`',
};
const TOP_LEVEL_KNOWN = new Set(['services', 'volumes', 'networks', 'configs', 'secrets']);

/**
 * Parses a compose file into the normalized model, or returns every problem at once, each with
 * its key path and how to fix it. Pure: the text and variables in, a value out.
 */
export function parseCompose(text: string, options: ParseComposeOptions = {}): ParseComposeResult {
  return parseComposeFiles([{ path: 'compose.yaml', text }], options);
}

/**
 * The same for a compose file and its override files (merged in order, per the Compose spec),
 * with `extends` resolved and services outside the enabled profiles left out.
 */
export function parseComposeFiles(
  files: readonly ComposeFile[],
  options: ParseComposeOptions = {},
): ParseComposeResult {
  const problems = new ProblemList();
  const result = (spec?: ComposeSpec): ParseComposeResult =>
    spec && problems.problems.length === 0
      ? { ok: true, spec, warnings: problems.warnings }
      : { ok: false, problems: problems.problems, warnings: problems.warnings };

  const readFile = options.readFile ?? (() => null);
  const tree = loadComposeTree(files, problems, {
    readFile,
    ...(options.profiles ? { profiles: options.profiles } : {}),
  });
  if (tree === undefined) return result();
  const { root, baseDir } = tree;
  for (const key of Object.keys(root)) {
    if (TOP_LEVEL_KNOWN.has(key) || key.startsWith('x-')) continue;
    if (key in TOP_LEVEL_IGNORED) problems.warn(key, `ignored: ${TOP_LEVEL_IGNORED[key]}`);
    else if (key in TOP_LEVEL_REFUSED) problems.add(key, TOP_LEVEL_REFUSED[key] as string);
    else
      problems.add(
        key,
        `unknown top-level key; known: ${[...TOP_LEVEL_KNOWN].join(', ')}, x-berth`,
      );
  }

  const rawExt = parseBerthExtension(root['x-berth'], problems);
  let variables: Record<string, string> = { ...options.variables };
  if (options.template) {
    try {
      variables = {
        ...variables,
        ...renderTemplateMap(rawExt.variables, options.template, 'x-berth.variables'),
      };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.add(error.where, error.message.slice(error.where.length + 2));
    }
  }

  const unset = new Set<string>();
  const onError = (error: InterpolationError): void => problems.add(error.path, error.message);
  const context = {
    variables,
    onUnset: (name: string, path: string) => {
      if (!unset.has(name))
        problems.warn(path, `variable ${name} is not set; using an empty string`);
      unset.add(name);
    },
  };
  const rawServices = interpolateTree(root.services, context, 'services', onError);
  const rawVolumes = interpolateTree(root.volumes, context, 'volumes', onError);
  const rawNetworks = interpolateTree(root.networks, context, 'networks', onError);

  const volumes = parseTopLevelVolumes(rawVolumes, problems, variables);
  const networks = parseTopLevelNetworks(rawNetworks, problems, variables);
  const configs = parseRepoFileEntries('configs', root.configs, baseDir, readFile, problems);
  const secrets = parseRepoFileEntries('secrets', root.secrets, baseDir, readFile, problems);
  if (rawServices === undefined || rawServices === null) {
    problems.add(
      'services',
      'the compose file has no services: add at least one under `services:`',
    );
    return result();
  }
  if (!isMap(rawServices)) {
    problems.add(
      'services',
      `expected a mapping of service name to service, got ${typeName(rawServices)}`,
    );
    return result();
  }
  const services = new Map<string, ServiceSpec>();
  const declaredVolumes = new Set(Object.keys(volumes));
  const declaredNetworks = new Set(Object.keys(networks));
  for (const [name, raw] of Object.entries(rawServices)) {
    const path = childPath('services', name);
    if (!SERVICE_NAME.test(name)) {
      problems.add(
        path,
        'a service name is letters, digits, `_`, `.` and `-`, starting with a letter or digit',
      );
      continue;
    }
    const service = normalizeService(name, raw, path, {
      problems,
      variables,
      declaredVolumes,
      declaredNetworks,
      configs,
      secrets,
      baseDir,
      readFile,
    });
    if (service) services.set(name, service);
  }
  if (services.size === 0 && problems.problems.length === 0) {
    problems.add(
      'services',
      'the compose file has no services: add at least one under `services:`',
    );
  }
  const serviceRecord = Object.fromEntries(services);
  dropMissingOptionalDependencies(serviceRecord, problems);
  refuseInactiveDependencies(serviceRecord, tree.inactive, problems);
  checkDependencies(serviceRecord, problems);
  const berth = resolveBerthExtension(rawExt, serviceRecord, problems);
  // The tests image builds like a service: its args interpolated, its context from baseDir.
  const rawTests = rawExt.tests;
  const tests = resolveE2eTestsBuild(
    rawTests?.buildRaw === undefined
      ? rawTests
      : {
          ...rawTests,
          buildRaw: interpolateTree(rawTests.buildRaw, context, 'x-berth.tests.build', onError),
        },
    problems,
    variables,
    baseDir,
  );
  if (tests) berth.tests = tests;
  checkUrlReferences(rawExt.variables, serviceRecord, berth.expose, problems);
  return result({
    services: serviceRecord,
    volumes,
    networks: usedNetworks(networks, serviceRecord),
    berth,
  });
}

/** Like `parseCompose`, throwing a `ComposeError` listing every problem. */
export function parseComposeOrThrow(text: string, options: ParseComposeOptions = {}): ComposeSpec {
  const parsed = parseCompose(text, options);
  if (!parsed.ok) throw new ComposeError(parsed.problems);
  return parsed.spec;
}

function parseTopLevelVolumes(
  raw: unknown,
  problems: ProblemList,
  variables: Readonly<Record<string, string>>,
): Record<string, VolumeSpec> {
  const out = new Map<string, VolumeSpec>();
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) {
    problems.add('volumes', `expected a mapping of volume name to options, got ${typeName(raw)}`);
    return {};
  }
  for (const [name, options] of Object.entries(raw)) {
    const path = childPath('volumes', name);
    if (!SERVICE_NAME.test(name)) {
      problems.add(
        path,
        'a volume name is letters, digits, `_`, `.` and `-`, starting with a letter or digit',
      );
      continue;
    }
    const volume: VolumeSpec = { name, labels: {} };
    if (options !== null && options !== undefined) {
      if (!isMap(options)) {
        problems.add(path, `expected a mapping or nothing, got ${typeName(options)}`);
        continue;
      }
      for (const key of Object.keys(options)) {
        const at = childPath(path, key);
        if (key === 'external' && options.external !== false) {
          problems.add(
            at,
            'external volumes are refused: they would share state between previews. Remove `external`',
          );
        } else if (key === 'driver' && options.driver !== 'local') {
          problems.add(at, 'only the local volume driver is supported');
        } else if (key === 'driver_opts') {
          problems.add(
            at,
            'driver_opts are refused: they can mount host paths or remote shares into a preview',
          );
        } else if (key === 'name') {
          problems.warn(at, 'ignored: Berth names each volume per preview');
        } else if (key === 'labels') {
          volume.labels = keyValues(options.labels, at, problems, variables);
        } else if (key !== 'external' && key !== 'driver') {
          problems.add(at, 'unknown volume key; known: driver (local), labels');
        }
      }
    }
    out.set(name, volume);
  }
  return Object.fromEntries(out);
}

const URL_REFERENCE = /\{\{\s*(urls|hosts)\.([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * `{{ urls.X }}` / `{{ hosts.X }}` must name an exposed service: a URL for anything else would
 * route nowhere. Checked here so the file is refused before anything is built.
 */
function checkUrlReferences(
  variables: Readonly<Record<string, string>>,
  services: Readonly<Record<string, ServiceSpec>>,
  expose: readonly string[],
  problems: ProblemList,
): void {
  const check = (text: string, path: string): void => {
    for (const [, namespace, service] of text.matchAll(URL_REFERENCE)) {
      if (!expose.includes(service as string)) {
        problems.add(
          path,
          `\`{{ ${namespace}.${service} }}\` names a service that is not exposed; exposed: ${expose.join(', ') || '(none)'} (see x-berth.expose)`,
        );
      }
    }
  };
  for (const [name, text] of Object.entries(variables)) check(text, `x-berth.variables.${name}`);
  for (const service of Object.values(services)) {
    for (const [key, text] of Object.entries(service.environment)) {
      check(text, `services.${service.name}.environment.${key}`);
    }
  }
}

/** Declared networks plus `default` when a service is on it: one per-environment network each. */
function usedNetworks(
  declared: Record<string, NetworkSpec>,
  services: Readonly<Record<string, ServiceSpec>>,
): Record<string, NetworkSpec> {
  const out: Record<string, NetworkSpec> = { ...declared };
  if (Object.values(services).some((s) => s.networks?.includes('default')) && !out['default']) {
    out['default'] = { name: 'default', internal: false, labels: {} };
  }
  return out;
}

/** A started service cannot wait for one whose profile is off: say which profile to enable. */
function refuseInactiveDependencies(
  services: Record<string, ServiceSpec>,
  inactive: Readonly<Record<string, string[]>>,
  problems: ProblemList,
): void {
  for (const service of Object.values(services)) {
    for (const [name, dependency] of Object.entries(service.dependsOn)) {
      const profiles = inactive[name];
      if (!profiles) continue;
      if (dependency.required) {
        problems.add(
          `services.${service.name}.depends_on.${name}`,
          `\`${name}\` is not started: its profile (${profiles.join(', ')}) is not enabled for this repository`,
        );
      }
      service.dependsOn = Object.fromEntries(
        Object.entries(service.dependsOn).filter(([other]) => other !== name),
      );
    }
  }
}

/** `required: false` on a dependency that is not in the file: compose warns and goes on; so do we. */
function dropMissingOptionalDependencies(
  services: Record<string, ServiceSpec>,
  problems: ProblemList,
): void {
  for (const service of Object.values(services)) {
    for (const [name, dependency] of Object.entries(service.dependsOn)) {
      if (dependency.required || services[name]) continue;
      problems.warn(
        `services.${service.name}.depends_on.${name}`,
        `optional dependency \`${name}\` is not in the file; ignored`,
      );
      service.dependsOn = Object.fromEntries(
        Object.entries(service.dependsOn).filter(([other]) => other !== name),
      );
    }
  }
}
