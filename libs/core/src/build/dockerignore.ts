import dockerignore from '@balena/dockerignore';
import { posix } from 'node:path';

/**
 * `.dockerignore` matching with Docker's own semantics (`*` stays within one directory, `**`
 * crosses them, `!` re-includes even below an excluded directory, a leading `/` is the context
 * root, last match wins), via @balena/dockerignore — a port of moby's matcher, tested against
 * real `docker build`. Case-sensitive, like Docker on Linux.
 */
export interface Dockerignore {
  /** The effective patterns (comments and blank lines dropped). */
  readonly patterns: readonly string[];
  /** Whether a context-relative POSIX path is left out of the build context. */
  isIgnored(path: string): boolean;
}

export function parseDockerignore(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Normalizes a context-relative path; throws for paths outside the context. */
export function contextPath(path: string): string {
  if (path.startsWith('/'))
    throw new Error(`path \`${path}\` must be relative to the build context`);
  if (path.includes('\0')) throw new Error('path contains a NUL byte');
  const normalized = posix.normalize(path).replace(/\/$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    throw new Error(`path \`${path}\` is outside the build context`);
  }
  return normalized;
}

export function createDockerignore(content: string): Dockerignore {
  const patterns = parseDockerignore(content);
  // The package is CommonJS with `module.exports = factory; factory.default = factory`: under
  // nodenext TypeScript types the default import as the module, so call its `default`, which
  // is the same function at run time.
  const matcher = dockerignore.default({ ignorecase: false }).add(patterns);
  return {
    patterns,
    isIgnored(path: string): boolean {
      const normalized = contextPath(path);
      // The context root itself is never ignored.
      if (normalized === '.' || normalized === '') return false;
      return matcher.ignores(normalized);
    },
  };
}
