import { posix } from 'node:path';
import { isMap, keyValues, scalar, typeName } from './fields.js';
import { type BuildSecret, type BuildSpec } from './model.js';
import { type ProblemList, childPath } from './problems.js';
import { type RepoFileEntry } from './repo-files.js';

/** Keys of `build` Berth reads; `IGNORED` ones are dropped with a warning (Berth owns caching and tags). */
const KNOWN = new Set(['context', 'dockerfile', 'args', 'target', 'secrets']);
const IGNORED = new Set([
  'cache_from',
  'cache_to',
  'labels',
  'tags',
  'platforms',
  'pull',
  'no_cache',
  'shm_size',
]);

/**
 * A repository-relative POSIX path that cannot escape the repository: absolute paths, URLs
 * (git contexts) and `..` past the root are refused.
 */
export function repoRelativePath(raw: string, base = '.'): string | { error: string } {
  if (raw.trim() === '') return { error: 'is empty' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('git@')) {
    return { error: 'is a URL: Berth builds from the pull request checkout only' };
  }
  if (raw.startsWith('/') || raw.startsWith('~') || /^[A-Za-z]:[\\/]/.test(raw)) {
    return { error: 'is absolute: use a path relative to the compose file' };
  }
  if (raw.includes('\0')) return { error: 'contains a NUL byte' };
  const joined = posix.normalize(posix.join(base, raw.replace(/\\/g, '/')));
  if (joined === '..' || joined.startsWith('../')) {
    return { error: 'leaves the repository (`..`): keep it inside the repository' };
  }
  return joined.replace(/\/$/, '') || '.';
}

export function parseBuild(
  value: unknown,
  path: string,
  problems: ProblemList,
  variables: Readonly<Record<string, string>>,
  /** The compose file's directory (repository-relative): the context is relative to it. */
  baseDir = '.',
  /** Top-level `secrets:`, which `build.secrets` names. */
  declaredSecrets: Readonly<Record<string, RepoFileEntry>> = {},
): BuildSpec | undefined {
  const spec = typeof value === 'string' ? { context: value } : value;
  if (!isMap(spec)) {
    problems.add(path, `expected a context path or a mapping, got ${typeName(value)}`);
    return undefined;
  }
  for (const key of Object.keys(spec)) {
    const at = childPath(path, key);
    if (KNOWN.has(key)) continue;
    if (IGNORED.has(key))
      problems.warn(at, 'ignored: Berth chooses build caching, tags and platform');
    else if (key === 'network') {
      if (spec.network === 'host')
        problems.add(at, 'builds may not use the host network; remove `network: host`');
      else problems.warn(at, 'ignored: builds use Docker’s default build network');
    } else if (key === 'dockerfile_inline') {
      problems.add(at, 'not supported yet: commit the Dockerfile and point `dockerfile` at it');
    } else if (
      key === 'extra_hosts' ||
      key === 'ssh' ||
      key === 'additional_contexts' ||
      key === 'privileged' ||
      key === 'entitlements'
    ) {
      problems.add(
        at,
        `\`build.${key}\` is not supported: it reaches outside the build context or grants privileges`,
      );
    } else problems.add(at, `unknown build key; known: ${[...KNOWN].join(', ')}`);
  }

  const contextRaw =
    spec.context === undefined ? '.' : scalar(spec.context, childPath(path, 'context'), problems);
  if (contextRaw === undefined) return undefined;
  const context = repoRelativePath(contextRaw, baseDir);
  if (typeof context !== 'string') {
    problems.add(childPath(path, 'context'), `\`${contextRaw}\` ${context.error}`);
    return undefined;
  }

  const dockerfileRaw =
    spec.dockerfile === undefined
      ? 'Dockerfile'
      : scalar(spec.dockerfile, childPath(path, 'dockerfile'), problems);
  if (dockerfileRaw === undefined) return undefined;
  // Relative to the context, and inside it: Berth sends only the context to the engine.
  const dockerfile = repoRelativePath(dockerfileRaw);
  if (typeof dockerfile !== 'string' || dockerfile === '.') {
    problems.add(
      childPath(path, 'dockerfile'),
      `\`${dockerfileRaw}\` ${typeof dockerfile === 'string' ? 'is not a file' : dockerfile.error.replaceAll('repository', 'build context')}`,
    );
    return undefined;
  }

  const built: BuildSpec = {
    context,
    dockerfile,
    args:
      spec.args === undefined
        ? {}
        : keyValues(spec.args, childPath(path, 'args'), problems, variables),
  };
  if (spec.target !== undefined) {
    const target = scalar(spec.target, childPath(path, 'target'), problems);
    if (target !== undefined && target !== '') built.target = target;
  }
  if (spec.secrets !== undefined) {
    const secrets = buildSecrets(
      spec.secrets,
      childPath(path, 'secrets'),
      declaredSecrets,
      problems,
    );
    if (secrets.length) built.secrets = secrets;
  }
  return built;
}

const SECRET_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * `build.secrets` (short `- name`, long `{ source, target }`; compose uses `target` as the id)
 * → scope values mounted by BuildKit for `RUN --mount=type=secret` (decision 0037). Never build
 * args: those stay in the image history. Whether the repository may use them is the operator's
 * setting, checked by the build stage.
 */
function buildSecrets(
  raw: unknown,
  path: string,
  declared: Readonly<Record<string, RepoFileEntry>>,
  problems: ProblemList,
): BuildSecret[] {
  if (!Array.isArray(raw)) {
    problems.add(path, `expected a list of secret names, got ${typeName(raw)}`);
    return [];
  }
  const out: BuildSecret[] = [];
  raw.forEach((item, index) => {
    const at = childPath(path, index);
    if (isMap(item)) {
      for (const key of Object.keys(item)) {
        if (key !== 'source' && key !== 'target') {
          problems.add(childPath(at, key), 'unknown key; known: source, target');
        }
      }
    }
    const source = isMap(item)
      ? scalar(item.source, childPath(at, 'source'), problems)
      : scalar(item, at, problems);
    if (source === undefined) return;
    const entry = declared[source];
    if (!entry) {
      problems.add(at, `secret \`${source}\` is not declared under top-level \`secrets:\``);
      return;
    }
    if (!('scope' in entry)) {
      problems.add(
        at,
        `secret \`${source}\` is a repository file (\`file:\`): COPY it in the Dockerfile instead; build secrets come from the preview's secret scope (a top-level secret without \`file:\`)`,
      );
      return;
    }
    const target = isMap(item) && item.target !== undefined ? item.target : undefined;
    const id = target === undefined ? source : scalar(target, childPath(at, 'target'), problems);
    if (id === undefined) return;
    if (!SECRET_ID.test(id)) {
      problems.add(
        isMap(item) ? childPath(at, 'target') : at,
        `\`${id}\` is not a build secret id: letters, digits, \`_\`, \`.\` and \`-\``,
      );
      return;
    }
    if (out.some((s) => s.id === id)) {
      problems.add(at, `build secret id \`${id}\` is listed twice`);
      return;
    }
    out.push({ id, name: entry.scope });
  });
  return out;
}
