// The build context as a tar stream, filtered by `.dockerignore` the way the docker CLI does it.

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import tar from 'tar-fs';

// The package is CommonJS (`module.exports = factory`) but its typings say `export default`, so
// under nodenext the default import is typed as the namespace; at run time it is the factory.
type IgnoreFactory = typeof dockerignoreModule.default;
const dockerignore: IgnoreFactory =
  (dockerignoreModule as unknown as { default?: IgnoreFactory }).default ??
  (dockerignoreModule as unknown as IgnoreFactory);

/** Name of the Dockerfile we inject when the real one is outside the context (or ignored). */
export const INJECTED_DOCKERFILE = '.berth.Dockerfile';

export interface BuildContext {
  stream: Readable;
  /** What to pass as the `dockerfile` build parameter. */
  dockerfile: string;
}

export async function packBuildContext(
  contextDir: string,
  dockerfile = 'Dockerfile',
): Promise<BuildContext> {
  const root = path.resolve(contextDir);
  const dockerfileAbs = path.resolve(root, dockerfile);
  const ignoreText = await readOptional(path.join(root, '.dockerignore'));
  const rules = dockerignore({ ignorecase: false }).add(ignoreText ?? '');
  // With '!' exceptions a file below an ignored directory may come back, so only files are
  // filtered then; without them, skipping whole directories saves walking node_modules & co.
  const hasExceptions = /^\s*!/m.test(ignoreText ?? '');

  const relDockerfile = toPosix(path.relative(root, dockerfileAbs));
  const inside = !relDockerfile.startsWith('../') && !path.isAbsolute(relDockerfile);
  // Listed in .dockerignore itself is fine (the daemon drops it from COPY); inside an ignored
  // directory the walk would never reach it, so it is injected like an outside one.
  const parents = relDockerfile.split('/').slice(0, -1);
  const parentIgnored =
    !hasExceptions && parents.some((_, i) => rules.ignores(parents.slice(0, i + 1).join('/')));
  if (inside && !parentIgnored) {
    return {
      stream: pack(root, rules, hasExceptions, new Set([relDockerfile])),
      dockerfile: relDockerfile,
    };
  }

  // Like the docker CLI: ship the Dockerfile under a fixed name and list it (and the rewritten
  // .dockerignore) in .dockerignore, so the daemon reads it but COPY never sees it.
  const content = await readFile(dockerfileAbs).catch((err: unknown) => {
    throw new Error(`Dockerfile not found at ${dockerfileAbs}: ${(err as Error).message}`);
  });
  const injectedIgnore = `${ignoreText ?? ''}\n${INJECTED_DOCKERFILE}\n.dockerignore\n`;
  const stream = pack(root, rules, hasExceptions, new Set(), (p) => {
    p.entry({ name: INJECTED_DOCKERFILE, mode: 0o644 }, content);
    p.entry({ name: '.dockerignore', mode: 0o644 }, injectedIgnore);
    p.finalize();
  });
  return { stream, dockerfile: INJECTED_DOCKERFILE };
}

function pack(
  root: string,
  rules: ReturnType<typeof dockerignore>,
  hasExceptions: boolean,
  keep: ReadonlySet<string>,
  finish?: (p: tar.Pack) => void,
): Readable {
  return tar.pack(root, {
    ignore: (abs: string) => {
      const rel = toPosix(path.relative(root, abs));
      // The daemon needs .dockerignore and the Dockerfile even when they list themselves; with
      // `finish` we inject a rewritten .dockerignore, so the original one stays out.
      if (rel === '.dockerignore') return finish !== undefined;
      if (keep.has(rel)) return false;
      if (!rules.ignores(rel)) return false;
      return !hasExceptions || !isDirectorySync(abs);
    },
    ...(finish ? { finalize: false, finish } : {}),
  });
}

function isDirectorySync(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
