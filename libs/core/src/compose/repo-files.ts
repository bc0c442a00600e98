// Compose keys that point at files in the repository: `env_file`, top-level `configs` and
// `secrets` with `file:`, and the services' `configs`/`secrets` that mount them. The files are
// public in git, so a file "secret" is treated as config: mounted read-only, never a credential.

import { posix } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { repoRelativePath } from './build.js';
import { isMap, scalar, typeName } from './fields.js';
import type { RepoFileReader } from './load-tree.js';
import { type ServiceMount } from './model.js';
import { type ProblemList, childPath } from './problems.js';

/**
 * A top-level `configs`/`secrets` entry: the repository file it is read from, or (secrets only)
 * the name of a value in the preview's secret scope (decision 0016).
 */
export type RepoFileEntry = { file: string } | { scope: string };

/** A scope secret's name: the same rule as `x-berth.secrets` entries. */
const SCOPE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export type RepoFileKind = 'configs' | 'secrets';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A path written in the compose file → repository-relative, or a problem naming `path`. */
export function repoPath(
  raw: string,
  baseDir: string,
  path: string,
  problems: ProblemList,
): string | undefined {
  const resolved = repoRelativePath(raw, baseDir);
  if (typeof resolved !== 'string') {
    problems.add(path, `\`${raw}\` ${resolved.error}`);
    return undefined;
  }
  return resolved;
}

/** Top-level `configs:` or `secrets:`: only `file:` entries, each checked to exist. */
export function parseRepoFileEntries(
  kind: RepoFileKind,
  raw: unknown,
  baseDir: string,
  readFile: RepoFileReader,
  problems: ProblemList,
): Record<string, RepoFileEntry> {
  const out = new Map<string, RepoFileEntry>();
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) {
    problems.add(kind, `expected a mapping of name to \`{ file: … }\`, got ${typeName(raw)}`);
    return {};
  }
  for (const [name, entry] of Object.entries(raw)) {
    const at = childPath(kind, name);
    if (!NAME.test(name)) {
      problems.add(at, 'a name is letters, digits, `_`, `.` and `-`');
      continue;
    }
    if (!isMap(entry)) {
      problems.add(at, `expected a mapping like \`{ file: ./${name} }\`, got ${typeName(entry)}`);
      continue;
    }
    if (entry.file === undefined) {
      if (kind === 'configs') {
        problems.add(
          at,
          'only file-backed configs are supported: `file: ./path` in the repository',
        );
        continue;
      }
      const scope = scopeSecret(name, entry, at, problems);
      if (scope !== undefined) out.set(name, { scope });
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'file' && key !== 'name' && key !== 'labels') {
        problems.add(childPath(at, key), 'unknown key; known: file');
      }
    }
    const text = scalar(entry.file, childPath(at, 'file'), problems);
    if (text === undefined) continue;
    const file = repoPath(text, baseDir, childPath(at, 'file'), problems);
    if (file === undefined) continue;
    if (readFile(file) === null) {
      problems.add(childPath(at, 'file'), `\`${file}\` does not exist in the repository`);
      continue;
    }
    out.set(name, { file });
  }
  return Object.fromEntries(out);
}

/**
 * A service's `configs:`/`secrets:` (short `- name`, long `{ source, target }`) → read-only
 * mounts of the declared repository files. Default targets as compose: `/<name>` for configs,
 * `/run/secrets/<name>` for secrets.
 */
export function parseServiceRepoFiles(
  kind: RepoFileKind,
  raw: unknown,
  path: string,
  declared: Readonly<Record<string, RepoFileEntry>>,
  problems: ProblemList,
): ServiceMount[] {
  if (!Array.isArray(raw)) {
    problems.add(path, `expected a list, got ${typeName(raw)}`);
    return [];
  }
  const out: ServiceMount[] = [];
  raw.forEach((item, index) => {
    const at = childPath(path, index);
    const source = isMap(item)
      ? scalar(item.source, childPath(at, 'source'), problems)
      : scalar(item, at, problems);
    if (source === undefined) return;
    const entry = declared[source];
    if (!entry) {
      problems.add(
        at,
        `${kind === 'configs' ? 'config' : 'secret'} \`${source}\` is not declared under top-level \`${kind}:\``,
      );
      return;
    }
    const rawTarget = isMap(item) && item.target !== undefined ? item.target : undefined;
    let target = kind === 'configs' ? `/${source}` : `/run/secrets/${source}`;
    if (rawTarget !== undefined) {
      const text = scalar(rawTarget, childPath(at, 'target'), problems);
      if (text === undefined) return;
      target = text.startsWith('/')
        ? text
        : kind === 'secrets'
          ? posix.join('/run/secrets', text)
          : '';
      if (target === '') {
        problems.add(childPath(at, 'target'), 'a config target must be an absolute path');
        return;
      }
    }
    if ('scope' in entry) {
      out.push({ type: 'scope-secret', name: entry.scope, target });
      return;
    }
    out.push({
      type: 'repo',
      origin: kind === 'configs' ? 'config' : 'secret',
      source: entry.file,
      target,
      readOnly: true,
    });
  });
  return out;
}

/**
 * `env_file:` (a path, a list of paths, or `{ path, required }` entries) → the variables, in
 * order, later files winning. Values are literal (dotenv syntax); `environment:` overrides them.
 */
export function readEnvFiles(
  raw: unknown,
  path: string,
  baseDir: string,
  readFile: RepoFileReader,
  problems: ProblemList,
): Record<string, string> {
  const entries = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(entries)) {
    problems.add(path, `expected a path or a list of paths, got ${typeName(raw)}`);
    return {};
  }
  const out: Record<string, string> = {};
  entries.forEach((entry, index) => {
    const at = typeof raw === 'string' ? path : childPath(path, index);
    const rawPath = isMap(entry)
      ? scalar(entry.path, childPath(at, 'path'), problems)
      : scalar(entry, at, problems);
    if (rawPath === undefined) return;
    const required = !(isMap(entry) && entry.required === false);
    const file = repoPath(rawPath, baseDir, at, problems);
    if (file === undefined) return;
    const text = readFile(file);
    if (text === null) {
      if (required) {
        problems.add(
          at,
          `\`${file}\` does not exist in the repository (commit it, or mark it \`required: false\`)`,
        );
      }
      return;
    }
    Object.assign(out, parseDotenv(text));
  });
  return out;
}

/**
 * A top-level secret without `file:`: a value of the preview's secret scope, by its `name:` or
 * its key (`external: true` is how compose says "not from a file"). Never the host's environment.
 */
function scopeSecret(
  key: string,
  entry: Record<string, unknown>,
  at: string,
  problems: ProblemList,
): string | undefined {
  if (entry.environment !== undefined) {
    problems.add(
      childPath(at, 'environment'),
      "Berth never hands its own environment to a preview: drop `environment:` and set the value with `berth secret set` (the preview's secret scope)",
    );
    return undefined;
  }
  for (const field of Object.keys(entry)) {
    if (field !== 'external' && field !== 'name' && field !== 'labels') {
      problems.add(childPath(at, field), 'unknown key; known: file, name, external');
    }
  }
  const name = entry.name === undefined ? key : scalar(entry.name, childPath(at, 'name'), problems);
  if (name === undefined) return undefined;
  if (!SCOPE_NAME.test(name)) {
    problems.add(
      entry.name === undefined ? at : childPath(at, 'name'),
      `\`${name}\` is not a secret scope name: lowercase letters, digits and _, starting with a letter (as in \`berth secret set\`); give one with \`name:\``,
    );
    return undefined;
  }
  return name;
}
