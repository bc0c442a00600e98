import { repoRelativePath } from './build.js';
import { isMap, scalar, typeName } from './fields.js';
import { type ServiceMount } from './model.js';
import { type ProblemList, childPath } from './problems.js';

const BIND_REFUSAL =
  'host bind mounts are refused: a preview must not see the host’s files. Mount a path inside the repository (`./dir:/target`, filled from the pull request’s checkout) or a named volume declared under top-level `volumes`';
const SOCKET_REFUSAL =
  'mounting the Docker socket is refused: it gives the container control of the host';

function looksLikeHostPath(source: string): boolean {
  return /^(\/|\.|~|[A-Za-z]:[\\/])/.test(source) || source.includes('/');
}

/** `./src`, `../x`, `.`: relative to the compose file, as compose reads a bind source. */
function isRelative(source: string): boolean {
  return source === '.' || source === '..' || source.startsWith('./') || source.startsWith('../');
}

function refuseHostPath(source: string, path: string, problems: ProblemList): void {
  problems.add(
    path,
    /docker\.sock/.test(source) ? SOCKET_REFUSAL : `\`${source}\`: ${BIND_REFUSAL}`,
  );
}

function checkTarget(target: string, path: string, problems: ProblemList): boolean {
  if (!target.startsWith('/')) {
    problems.add(path, `mount target \`${target}\` must be an absolute path inside the container`);
    return false;
  }
  return true;
}

/**
 * Service `volumes`: named volumes (declared at top level), anonymous volumes and tmpfs only.
 * Short syntax `NAME:/path[:ro]`, `/path`; long syntax `{ type, source, target, read_only }`.
 */
export function parseMounts(
  value: unknown,
  path: string,
  problems: ProblemList,
  declaredVolumes: ReadonlySet<string>,
  baseDir = '.',
): ServiceMount[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected a list, got ${typeName(value)}`);
    return [];
  }
  const out: ServiceMount[] = [];
  /** A bind of a repository path: filled from the checkout, read-only unless `rw` is declared. */
  const fromRepo = (source: string, target: string, readOnly: boolean, at: string): void => {
    const resolved = repoRelativePath(source, baseDir);
    if (typeof resolved !== 'string') {
      problems.add(
        at,
        `\`${source}\` ${resolved.error}: only paths inside the repository can be mounted`,
      );
      return;
    }
    if (checkTarget(target, at, problems))
      out.push({ type: 'repo', origin: 'bind', source: resolved, target, readOnly });
  };
  const named = (source: string, target: string, readOnly: boolean, at: string): void => {
    if (!declaredVolumes.has(source)) {
      problems.add(at, `volume \`${source}\` is not declared: add it under top-level \`volumes:\``);
      return;
    }
    if (checkTarget(target, at, problems)) out.push({ type: 'volume', source, target, readOnly });
  };

  value.forEach((item, index) => {
    const at = childPath(path, index);
    if (isMap(item)) {
      const type =
        item.type === undefined ? 'volume' : scalar(item.type, childPath(at, 'type'), problems);
      const target = scalar(item.target, childPath(at, 'target'), problems);
      const source =
        item.source === undefined
          ? undefined
          : scalar(item.source, childPath(at, 'source'), problems);
      const readOnly = item.read_only === true;
      if (target === undefined || type === undefined) return;
      if (type === 'bind' && source !== undefined && isRelative(source))
        fromRepo(source, target, item.read_only !== false, childPath(at, 'source'));
      else if (type === 'bind') refuseHostPath(source ?? '', childPath(at, 'source'), problems);
      else if (type === 'tmpfs') {
        if (checkTarget(target, at, problems)) out.push({ type: 'tmpfs', target });
      } else if (type === 'volume') {
        if (source === undefined || source === '') {
          if (checkTarget(target, at, problems)) out.push({ type: 'anonymous', target, readOnly });
        } else if (looksLikeHostPath(source))
          refuseHostPath(source, childPath(at, 'source'), problems);
        else named(source, target, readOnly, at);
      } else
        problems.add(
          childPath(at, 'type'),
          `mount type \`${type}\` is not supported; use volume or tmpfs`,
        );
      return;
    }
    const text = scalar(item, at, problems);
    if (text === undefined) return;
    const parts = text.split(':');
    if (parts.length === 1) {
      if (checkTarget(text, at, problems))
        out.push({ type: 'anonymous', target: text, readOnly: false });
      return;
    }
    // Windows drive letters (`C:\x:/y`) split oddly; any such source is a host path anyway.
    const [source = '', target = '', mode, ...extra] = parts;
    const relative = isRelative(source) && extra.length === 0;
    if (!relative && (looksLikeHostPath(source) || extra.length > 0)) {
      refuseHostPath(source, at, problems);
      return;
    }
    const modes = (mode ?? '').split(',').filter(Boolean);
    const unknown = modes.filter(
      (m) => !['ro', 'rw', 'z', 'Z', 'nocopy', 'cached', 'delegated', 'consistent'].includes(m),
    );
    if (unknown.length > 0) {
      problems.add(at, `unknown mount option \`${unknown.join(',')}\`; use ro or rw`);
      return;
    }
    if (relative) fromRepo(source, target, !modes.includes('rw'), at);
    else named(source, target, modes.includes('ro'), at);
  });
  return out;
}
