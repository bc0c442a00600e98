import { createHash } from 'node:crypto';
import { contextPath } from './dockerignore.js';

/** One file of a build context: its context-relative path and a hash of its content (e.g. the git blob id). */
export interface ContextFile {
  path: string;
  hash: string;
  /** File mode (e.g. 0o100755): an executable bit changes the image. Optional. */
  mode?: number;
}

export interface BuildInputs {
  /** The build context after `.dockerignore` filtering, in any order. */
  files: readonly ContextFile[];
  dockerfile: string;
  args: Readonly<Record<string, string>>;
  target?: string;
}

/** Bump when the canonical form changes, so old tags stop matching. */
const SCHEME = 'berth-build-v1';

/**
 * The deterministic tag of a build: sha256 (hex) over a canonical JSON of the inputs — files and
 * args sorted by code point, so neither listing order nor argument order matters. JSON framing
 * means no choice of path, hash or arg value can make two different inputs serialize alike.
 * Throws on duplicate or out-of-context paths (a caller bug that would make the hash lie).
 */
export function buildInputHash(inputs: BuildInputs): string {
  const seen = new Set<string>();
  const files = inputs.files.map((file) => {
    const path = contextPath(file.path);
    if (path === '.') throw new Error('the build context root is not a file');
    if (seen.has(path)) throw new Error(`build context lists \`${path}\` twice`);
    seen.add(path);
    if (typeof file.hash !== 'string' || file.hash === '') {
      throw new Error(`build context file \`${path}\` has no content hash`);
    }
    if (file.mode !== undefined && (!Number.isInteger(file.mode) || file.mode < 0)) {
      throw new Error(`build context file \`${path}\` has an invalid mode ${String(file.mode)}`);
    }
    return file.mode === undefined ? [path, file.hash] : [path, file.hash, file.mode];
  });
  files.sort((a, b) => compare(a[0] as string, b[0] as string));
  const args = Object.entries(inputs.args).sort(([a], [b]) => compare(a, b));
  const canonical = JSON.stringify({
    scheme: SCHEME,
    files,
    dockerfile: createHash('sha256').update(inputs.dockerfile, 'utf8').digest('hex'),
    args,
    target: inputs.target ?? null,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Code-point order: independent of the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
