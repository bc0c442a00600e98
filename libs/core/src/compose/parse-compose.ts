import { type TemplateContext, TemplateError, renderTemplateMap } from '../templating/render.js';
import { isMap, keyValues, typeName } from './fields.js';
import { checkDependencies } from './graph.js';
import { type InterpolationError, interpolateTree } from './interpolate.js';
import { loadYaml } from './load-yaml.js';
import { type ComposeSpec, type ServiceSpec, type VolumeSpec } from './model.js';
import { type ComposeProblem, ComposeError, ProblemList, childPath } from './problems.js';
import { normalizeService } from './service.js';
import { parseBerthExtension, resolveBerthExtension } from './x-berth.js';

export interface ParseComposeOptions {
  /** Interpolation variables (operator-provided; never the process environment). */
  variables?: Readonly<Record<string, string>>;
  /**
   * Per-environment template context. When given, `x-berth.variables` are rendered with it and
   * override `variables` (a per-PR value must not be clobbered by a global one).
   */
  template?: TemplateContext;
}

export type ParseComposeResult =
  | { ok: true; spec: ComposeSpec; warnings: ComposeProblem[] }
  | { ok: false; problems: ComposeProblem[]; warnings: ComposeProblem[] };

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const TOP_LEVEL_IGNORED: Record<string, string> = {
  version: 'the `version` key is obsolete',
  name: 'Berth names each preview itself',
  networks: 'Berth gives each preview its own network',
};

/**
 * Parses a compose file into the normalized model, or returns every problem at once, each with
 * its key path and how to fix it. Pure: the text and variables in, a value out.
 */
export function parseCompose(text: string, options: ParseComposeOptions = {}): ParseComposeResult {
  const problems = new ProblemList();
  const result = (spec?: ComposeSpec): ParseComposeResult =>
    spec && problems.problems.length === 0
      ? { ok: true, spec, warnings: problems.warnings }
      : { ok: false, problems: problems.problems, warnings: problems.warnings };

  const root = loadYaml(text, problems);
  if (root === undefined) return result();
  if (!isMap(root)) {
    problems.add(
      '(file)',
      `the compose file must be a mapping with \`services:\`, got ${typeName(root)}`,
    );
    return result();
  }
  for (const key of Object.keys(root)) {
    if (key === 'services' || key === 'volumes' || key.startsWith('x-')) continue;
    if (key in TOP_LEVEL_IGNORED) problems.warn(key, `ignored: ${TOP_LEVEL_IGNORED[key]}`);
    else if (key === 'secrets' || key === 'configs') {
      problems.add(
        key,
        `top-level ${key} are not supported yet: use x-berth.secrets for per-environment secrets`,
      );
    } else problems.add(key, 'unknown top-level key; known: services, volumes, x-berth');
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

  const volumes = parseTopLevelVolumes(rawVolumes, problems, variables);
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
  for (const [name, raw] of Object.entries(rawServices)) {
    const path = childPath('services', name);
    if (!SERVICE_NAME.test(name)) {
      problems.add(
        path,
        'a service name is letters, digits, `_`, `.` and `-`, starting with a letter or digit',
      );
      continue;
    }
    const service = normalizeService(name, raw, path, { problems, variables, declaredVolumes });
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
  checkDependencies(serviceRecord, problems);
  const berth = resolveBerthExtension(rawExt, serviceRecord, problems);
  checkUrlReferences(rawExt.variables, serviceRecord, berth.expose, problems);
  return result({ services: serviceRecord, volumes, berth });
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
