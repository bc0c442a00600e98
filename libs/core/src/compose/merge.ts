// The Compose specification's merge rules (compose-spec/merge.md), for override files and
// `extends`: mappings merge key by key, the later file winning; sequences are appended, except
// the shell commands (replaced) and the "unique resources" (merged by their key).

import { isMap } from './fields.js';

type Tree = Record<string, unknown>;

/** Replaced whole by the later file: a command is one value, not a list to append to. */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test', 'build.dockerfile']);

/** Written either as `KEY=value` lists or as mappings; merged as mappings. */
const KEY_VALUE = new Set(['environment', 'labels', 'build.args', 'extra_hosts', 'sysctls']);

/** Lists of names or mappings of name → options (depends_on, networks); merged as mappings. */
const NAME_MAP = new Set(['depends_on', 'networks']);

/** Unique by a key: a later entry with the same key replaces the earlier one. */
const UNIQUE_BY: Record<string, (item: unknown) => string> = {
  volumes: (item) =>
    isMap(item) ? String(item.target) : (String(item).split(':')[1] ?? String(item)),
  secrets: (item) => (isMap(item) ? String(item.target ?? item.source) : String(item)),
  configs: (item) => (isMap(item) ? String(item.target ?? item.source) : String(item)),
  ports: (item) => JSON.stringify(item),
  expose: (item) => String(item),
  profiles: (item) => String(item),
  env_file: (item) => (isMap(item) ? String(item.path) : String(item)),
  cap_add: (item) => String(item),
  cap_drop: (item) => String(item),
};

/** `["A=1", "B"]` → `{ A: "1", B: null }`; a mapping is returned as it is. */
function keyValueMap(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const out: Tree = {};
  for (const item of value) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq < 0) out[text] = null;
    else out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

/** `[a, b]` → `{ a: null, b: null }`. */
function nameMap(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return Object.fromEntries(value.map((name) => [String(name), null]));
}

function uniqueAppend(base: unknown[], override: unknown[], key: (item: unknown) => string) {
  const byKey = new Map<string, unknown>();
  for (const item of [...base, ...override]) {
    const k = key(item);
    byKey.delete(k); // re-inserted: keeps the later file's position and value
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

/** Merges one value of a service at `path` (`ports`, `build.args`, …). */
function mergeAt(path: string, base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (base === undefined || REPLACED.has(path)) return override;
  if (KEY_VALUE.has(path)) {
    const [b, o] = [keyValueMap(base), keyValueMap(override)];
    if (isMap(b) && isMap(o)) return { ...b, ...o };
    return override;
  }
  if (NAME_MAP.has(path)) {
    const [b, o] = [nameMap(base), nameMap(override)];
    if (isMap(b) && isMap(o)) return mergeMaps(path, b, o);
    return override;
  }
  if (path === 'build') {
    const asMap = (v: unknown) => (typeof v === 'string' ? { context: v } : v);
    const [b, o] = [asMap(base), asMap(override)];
    if (isMap(b) && isMap(o)) return mergeMaps(path, b, o);
    return override;
  }
  const unique = UNIQUE_BY[path];
  // `env_file: .env` is a one-item list: merged with the other file's list, not replaced.
  if (path === 'env_file') {
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
    return uniqueAppend(list(base), list(override), unique as (item: unknown) => string);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    return unique ? uniqueAppend(base, override, unique) : [...base, ...override];
  }
  if (isMap(base) && isMap(override)) return mergeMaps(path, base, override);
  return override;
}

function mergeMaps(path: string, base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = mergeAt(path === '' ? key : `${path}.${key}`, base[key], value);
  }
  return out;
}

/** One service definition over another (override files, `extends`). */
export function mergeService(base: Tree, override: Tree): Tree {
  return mergeMaps('', base, override);
}

/** A whole override file over a base file: services by name, other sections key by key. */
export function mergeComposeRoots(base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = base[key];
    if (key === 'services' && isMap(current) && isMap(value)) {
      const services: Tree = { ...current };
      for (const [name, service] of Object.entries(value)) {
        const earlier = current[name];
        services[name] =
          isMap(earlier) && isMap(service) ? mergeService(earlier, service) : service;
      }
      out[key] = services;
    } else if (isMap(current) && isMap(value)) {
      out[key] = deepMerge(current, value);
    } else out[key] = value;
  }
  return out;
}

function deepMerge(base: Tree, override: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = base[key];
    out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : value;
  }
  return out;
}
