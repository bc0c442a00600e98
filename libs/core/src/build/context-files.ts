import { type ContextFile } from './build-hash.js';
import { type Dockerignore } from './dockerignore.js';

/**
 * Keeps the files of a build context that `.dockerignore` does not exclude — the Dockerfile and
 * `.dockerignore` included, as in Docker (COPY does not see them when excluded). The Dockerfile
 * still enters the hash through `BuildInputs.dockerfile`, and the rules through what they keep.
 */
export function filterContextFiles(
  files: readonly ContextFile[],
  dockerignore: Dockerignore,
): ContextFile[] {
  return files.filter((file) => !dockerignore.isIgnored(file.path));
}

/**
 * Files of a repository-wide listing that belong to a build context (`web`, `.`), re-rooted to
 * the context: `web/src/a.ts` → `src/a.ts`.
 */
export function filesUnderContext(files: readonly ContextFile[], context: string): ContextFile[] {
  if (context === '.' || context === '') return [...files];
  const prefix = `${context.replace(/\/$/, '')}/`;
  return files
    .filter((file) => file.path.startsWith(prefix))
    .map((file) => ({ ...file, path: file.path.slice(prefix.length) }));
}
