// Compose networks, `hostname` and `pull_policy`. Each compose network becomes one network per
// environment (never a shared or host one); a service joins the ones it lists, `default` when it
// lists none, and answers there to its service name, its `hostname` and its aliases.

import { isMap, keyValues, scalar, stringList, typeName } from './fields.js';
import { type NetworkSpec, type PullPolicy } from './model.js';
import { type ProblemList, childPath } from './problems.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Network keys that only matter to a shared engine: dropped with a warning. */
const IGNORED_NETWORK_KEYS: Record<string, string> = {
  name: 'Berth names each network per preview',
  ipam: 'Berth gives each preview network its own subnet',
  attachable: 'preview networks are attachable by Berth alone',
  enable_ipv6: 'preview networks are IPv4',
  driver_opts: 'preview networks use Berth’s bridge options',
};

export function parseTopLevelNetworks(
  raw: unknown,
  problems: ProblemList,
  variables: Readonly<Record<string, string>>,
): Record<string, NetworkSpec> {
  const out = new Map<string, NetworkSpec>();
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) {
    problems.add('networks', `expected a mapping of network name to options, got ${typeName(raw)}`);
    return {};
  }
  for (const [name, options] of Object.entries(raw)) {
    const at = childPath('networks', name);
    if (!NAME.test(name)) {
      problems.add(at, 'a network name is letters, digits, `_`, `.` and `-`');
      continue;
    }
    const network: NetworkSpec = { name, internal: false, labels: {} };
    if (options !== null && options !== undefined) {
      if (!isMap(options)) {
        problems.add(at, `expected a mapping or nothing, got ${typeName(options)}`);
        continue;
      }
      for (const [key, value] of Object.entries(options)) {
        const keyAt = childPath(at, key);
        if (key === 'external' && value !== false) {
          problems.add(
            keyAt,
            'external networks are refused: a preview reaches only its own services. Remove `external`',
          );
        } else if (key === 'driver' && value !== 'bridge') {
          problems.add(keyAt, 'only the bridge driver is supported for preview networks');
        } else if (key === 'internal') {
          if (typeof value === 'boolean') network.internal = value;
          else problems.add(keyAt, 'expected true or false');
        } else if (key === 'labels') {
          network.labels = keyValues(value, keyAt, problems, variables);
        } else if (key in IGNORED_NETWORK_KEYS) {
          problems.warn(keyAt, `ignored: ${IGNORED_NETWORK_KEYS[key]}`);
        } else if (key !== 'external' && key !== 'driver') {
          problems.add(keyAt, 'unknown network key; known: driver (bridge), internal, labels');
        }
      }
    }
    out.set(name, network);
  }
  return Object.fromEntries(out);
}

/**
 * A service's `networks` (a list of names, or a mapping of name → `{ aliases }`): the networks it
 * joins and the extra names it answers to. Every name must be declared, or be `default`.
 */
export function parseServiceNetworks(
  raw: unknown,
  path: string,
  declared: ReadonlySet<string>,
  problems: ProblemList,
): { networks: string[]; aliases: string[]; byNetwork: Record<string, string[]> } {
  const networks: string[] = [];
  const aliases: string[] = [];
  const byNetwork: Record<string, string[]> = {};
  const join = (name: string, at: string): void => {
    if (name !== 'default' && !declared.has(name)) {
      problems.add(at, `network \`${name}\` is not declared: add it under top-level \`networks:\``);
      return;
    }
    if (!networks.includes(name)) networks.push(name);
  };
  if (Array.isArray(raw)) {
    stringList(raw, path, problems).forEach((name, index) => join(name, childPath(path, index)));
  } else if (isMap(raw)) {
    for (const [name, options] of Object.entries(raw)) {
      const at = childPath(path, name);
      join(name, at);
      if (options === null || options === undefined) continue;
      if (!isMap(options)) {
        problems.add(
          at,
          `expected a mapping like \`{ aliases: [...] }\`, got ${typeName(options)}`,
        );
        continue;
      }
      for (const key of Object.keys(options)) {
        if (key === 'aliases') {
          for (const alias of stringList(options.aliases, childPath(at, key), problems)) {
            if (HOSTNAME.test(alias)) {
              aliases.push(alias);
              byNetwork[name] = [...new Set([...(byNetwork[name] ?? []), alias])];
            } else problems.add(childPath(at, key), `alias \`${alias}\` is not a valid host name`);
          }
        } else {
          problems.warn(childPath(at, key), 'ignored: Berth assigns addresses and priorities');
        }
      }
    }
  } else {
    problems.add(path, `expected a list of network names or a mapping, got ${typeName(raw)}`);
  }
  return { networks, aliases: [...new Set(aliases)], byNetwork };
}

export function parseHostname(raw: unknown, path: string, problems: ProblemList) {
  const text = scalar(raw, path, problems);
  if (text === undefined) return undefined;
  if (!HOSTNAME.test(text)) {
    problems.add(path, `\`${text}\` is not a valid host name (letters, digits, \`-\` and dots)`);
    return undefined;
  }
  return text;
}

/** `if_not_present` is compose's old spelling of `missing`; `daily`/`weekly`/`every_*` pull as `missing`. */
export function parsePullPolicy(
  raw: unknown,
  path: string,
  problems: ProblemList,
): PullPolicy | undefined {
  const text = scalar(raw, path, problems);
  if (text === undefined) return undefined;
  if (text === 'always' || text === 'never' || text === 'missing' || text === 'build') return text;
  if (text === 'if_not_present') return 'missing';
  if (text === 'daily' || text === 'weekly' || /^every_\w+$/.test(text)) {
    problems.warn(
      path,
      `\`${text}\` is treated as \`missing\`: Berth pulls when the image is absent`,
    );
    return 'missing';
  }
  problems.add(path, `unknown pull_policy \`${text}\`; use always, never, missing or build`);
  return undefined;
}
