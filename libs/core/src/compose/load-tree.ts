// From the repository's compose file(s) to one raw tree: each file loaded safely, override files
// merged over the base, `extends` resolved, services outside the enabled profiles left out. What
// comes out is still raw compose (the parse validates it); paths stay as written.

import { posix } from 'node:path';
import { repoRelativePath } from './build.js';
import { isMap, typeName } from './fields.js';
import { loadYaml } from './load-yaml.js';
import { mergeComposeRoots, mergeService } from './merge.js';
import { ComposeError, ProblemList, childPath } from './problems.js';

type Tree = Record<string, unknown>;

/** One compose file of the repository: its repository-relative path and its text. */
export interface ComposeFile {
  path: string;
  text: string;
}

/**
 * Reads a repository file at the revision being provisioned; null when it does not exist. Pure
 * for the parser's purposes: the caller has fetched what it may be asked for beforehand.
 */
export type RepoFileReader = (path: string) => string | null;

export interface ComposeTree {
  root: Tree;
  /** The directory paths in the file are relative to (the first file's), repository-relative. */
  baseDir: string;
  /** Services left out because none of their profiles is enabled → their profiles. */
  inactive: Record<string, string[]>;
}

const MAX_EXTENDS_DEPTH = 10;

export interface LoadTreeOptions {
  readFile?: RepoFileReader;
  /** Enabled profiles (operator's choice); services with other profiles are not started. */
  profiles?: readonly string[];
}

export function loadComposeTree(
  files: readonly ComposeFile[],
  problems: ProblemList,
  options: LoadTreeOptions = {},
): ComposeTree | undefined {
  const first = files[0];
  if (!first) {
    problems.add('(file)', 'no compose file was given');
    return undefined;
  }
  let root: Tree | undefined;
  for (const file of files) {
    const loaded = loadYaml(file.text, problems);
    if (loaded === undefined) return undefined;
    if (!isMap(loaded)) {
      problems.add(
        file === first ? '(file)' : `(${file.path})`,
        `the compose file must be a mapping with \`services:\`, got ${typeName(loaded)}`,
      );
      return undefined;
    }
    root = root === undefined ? loaded : mergeComposeRoots(root, loaded);
  }
  if (!root) return undefined;
  const baseDir = posix.dirname(first.path);
  const readFile = options.readFile ?? (() => null);

  if (isMap(root.services)) {
    const resolver = new ExtendsResolver(readFile, problems);
    const services: Tree = {};
    for (const [name, service] of Object.entries(root.services)) {
      services[name] = isMap(service)
        ? resolver.resolve(
            service,
            name,
            root.services,
            { file: '', dir: baseDir },
            [],
            childPath('services', name),
          )
        : service;
    }
    root = { ...root, services };
  }
  const inactive = isMap(root.services)
    ? dropInactive(root.services, options.profiles ?? [], problems)
    : {};
  return { root, baseDir, inactive };
}

/** Removes services none of whose `profiles` is enabled (in place); returns them. */
function dropInactive(
  services: Tree,
  enabled: readonly string[],
  problems: ProblemList,
): Record<string, string[]> {
  const inactive: Record<string, string[]> = {};
  for (const [name, service] of Object.entries(services)) {
    if (!isMap(service) || service.profiles === undefined) continue;
    const at = childPath(childPath('services', name), 'profiles');
    if (!Array.isArray(service.profiles) || service.profiles.some((p) => typeof p !== 'string')) {
      problems.add(at, `expected a list of profile names, got ${typeName(service.profiles)}`);
      continue;
    }
    const profiles = service.profiles as string[];
    if (profiles.length === 0 || profiles.some((p) => enabled.includes(p))) continue;
    inactive[name] = profiles;
    delete services[name];
    problems.warn(
      at,
      `not started: profile ${profiles.join(', ')} is not enabled for this repository`,
    );
  }
  return inactive;
}

/** `extends:` in the same file or another repository file, recursively, cycles refused. */
class ExtendsResolver {
  private readonly files = new Map<string, Tree | null>();

  constructor(
    private readonly readFile: RepoFileReader,
    private readonly problems: ProblemList,
  ) {}

  resolve(
    service: Tree,
    name: string,
    siblings: Tree,
    origin: { file: string; dir: string },
    chain: readonly string[],
    path: string,
  ): Tree {
    if (service.extends === undefined) return service;
    const { dir } = origin;
    const seen = [...chain, `${origin.file}#${name}`];
    const at = childPath(path, 'extends');
    const { extends: ext, ...own } = service;
    const target =
      typeof ext === 'string' ? { service: ext } : isMap(ext) ? ext : { service: undefined };
    if (typeof target.service !== 'string' || target.service === '') {
      this.problems.add(at, 'expected a service name, or a mapping with `service` and `file`');
      return own;
    }
    let baseSiblings = siblings;
    let baseDir = dir;
    let where = origin.file;
    if (target.file !== undefined) {
      if (typeof target.file !== 'string') {
        this.problems.add(childPath(at, 'file'), 'expected a path in the repository');
        return own;
      }
      const file = repoRelativePath(target.file, dir);
      if (typeof file !== 'string') {
        this.problems.add(childPath(at, 'file'), `\`${target.file}\` ${file.error}`);
        return own;
      }
      const loaded = this.load(file, childPath(at, 'file'));
      if (!loaded) return own;
      baseSiblings = isMap(loaded.services) ? loaded.services : {};
      baseDir = posix.dirname(file);
      where = file;
    }
    const key = `${where}#${target.service}`;
    if (seen.includes(key) || seen.length > MAX_EXTENDS_DEPTH) {
      this.problems.add(
        at,
        `extends cycle or chain too deep: ${[...seen, key].map((k) => k.replace(/^#/, '')).join(' → ')}`,
      );
      return own;
    }
    const base = baseSiblings[target.service];
    if (!isMap(base)) {
      this.problems.add(
        childPath(at, 'service'),
        `service \`${target.service}\` is not in ${where || 'this file'}`,
      );
      return own;
    }
    const resolved = this.resolve(
      base,
      target.service,
      baseSiblings,
      { file: where, dir: baseDir },
      seen,
      path,
    );
    return mergeService(rebase(resolved, baseDir, dir), own);
  }

  private load(file: string, at: string): Tree | undefined {
    if (!this.files.has(file)) {
      const text = this.readFile(file);
      if (text === null) {
        this.problems.add(at, `\`${file}\` does not exist in the repository`);
        this.files.set(file, null);
        return undefined;
      }
      const loaded = loadYaml(text, this.problems);
      if (!isMap(loaded)) {
        this.problems.add(at, `\`${file}\` is not a compose file (a mapping with \`services\`)`);
        this.files.set(file, null);
        return undefined;
      }
      this.files.set(file, loaded);
    }
    return this.files.get(file) ?? undefined;
  }
}

/**
 * Paths in a service taken from a file in another directory stay relative to that file (as
 * compose does): `build` context and `env_file` are rewritten relative to `to`.
 */
function rebase(service: Tree, from: string, to: string): Tree {
  if (from === to) return service;
  const move = (p: unknown): unknown => {
    if (typeof p !== 'string' || p.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
    return posix.relative(to, posix.join(from, p)) || '.';
  };
  const out: Tree = { ...service };
  if (typeof out.build === 'string') out.build = move(out.build);
  else if (isMap(out.build)) out.build = { ...out.build, context: move(out.build.context ?? '.') };
  if (typeof out.env_file === 'string') out.env_file = move(out.env_file);
  else if (Array.isArray(out.env_file)) {
    out.env_file = out.env_file.map((e) => (isMap(e) ? { ...e, path: move(e.path) } : move(e)));
  }
  return out;
}

/**
 * What must be known before the full parse: the service names (their preview URLs are
 * interpolation variables) and `x-berth.secrets` (their values are rendered into
 * `x-berth.variables`), after merging overrides, `extends` and profiles. Throws a
 * ComposeError listing every problem found so far.
 */
export function composeOutline(
  files: readonly ComposeFile[],
  options: LoadTreeOptions = {},
): { services: string[]; berthSecrets: string[] } {
  const problems = new ProblemList();
  const tree = loadComposeTree(files, problems, options);
  const services = tree?.root.services;
  if (tree && !isMap(services)) {
    problems.add(
      'services',
      `expected a mapping of service name to service, got ${typeName(services)}`,
    );
  }
  if (!tree || problems.problems.length > 0) throw new ComposeError(problems.problems);
  const ext = tree.root['x-berth'];
  const secrets = isMap(ext) && Array.isArray(ext.secrets) ? ext.secrets : [];
  return {
    services: Object.keys(services as Tree),
    berthSecrets: [...new Set(secrets.filter((n): n is string => typeof n === 'string'))],
  };
}
