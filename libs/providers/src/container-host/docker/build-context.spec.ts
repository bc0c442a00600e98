import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import tar from 'tar-fs';
import { INJECTED_DOCKERFILE, packBuildContext } from './build-context.js';

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'berth-ctx-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

/** Unpacks the context with tar-fs and returns file path → content. */
async function entries(stream: Readable): Promise<Record<string, string>> {
  const out = await mkdtemp(path.join(tmpdir(), 'berth-ctx-out-'));
  try {
    await pipeline(stream, tar.extract(out));
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((f) =>
      f.isFile(),
    );
    const result: Record<string, string> = {};
    for (const f of files) {
      const abs = path.join(f.parentPath, f.name);
      result[path.relative(out, abs).split(path.sep).join('/')] = await readFile(abs, 'utf8');
    }
    return result;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

describe('packBuildContext', () => {
  it('leaves out what .dockerignore lists but always ships the Dockerfile and .dockerignore', async () => {
    const root = await tree({
      Dockerfile: 'FROM x',
      '.dockerignore': 'Dockerfile\nnode_modules\n*.log\n',
      'src/a.ts': 'a',
      'node_modules/dep/index.js': 'x',
      'debug.log': 'x',
    });
    const ctx = await packBuildContext(root);
    expect(ctx.dockerfile).toBe('Dockerfile');
    expect(Object.keys(await entries(ctx.stream)).sort()).toEqual(
      ['.dockerignore', 'Dockerfile', 'src/a.ts'].sort(),
    );
  });

  it("honours '!' exceptions below an ignored directory", async () => {
    const root = await tree({
      Dockerfile: 'FROM x',
      '.dockerignore': 'docs\n!docs/keep.md\n',
      'docs/drop.md': 'x',
      'docs/keep.md': 'k',
    });
    const files = Object.keys(await entries((await packBuildContext(root)).stream));
    expect(files).toContain('docs/keep.md');
    expect(files).not.toContain('docs/drop.md');
  });

  it('injects a Dockerfile from outside the context and lists it in .dockerignore', async () => {
    const root = await tree({
      'ctx/a.txt': 'a',
      'other.Dockerfile': 'FROM y',
      'ctx/.dockerignore': 'b\n',
    });
    const ctx = await packBuildContext(path.join(root, 'ctx'), '../other.Dockerfile');
    expect(ctx.dockerfile).toBe(INJECTED_DOCKERFILE);
    const files = await entries(ctx.stream);
    expect(files[INJECTED_DOCKERFILE]).toBe('FROM y');
    expect(files['.dockerignore']?.split('\n')).toEqual(
      expect.arrayContaining(['b', INJECTED_DOCKERFILE]),
    );
    expect(files['a.txt']).toBe('a');
  });

  it('names a missing Dockerfile', async () => {
    const root = await tree({ 'a.txt': 'a' });
    await expect(packBuildContext(root, '../nope/Dockerfile')).rejects.toThrow(
      /Dockerfile not found at /,
    );
  });
});

describe('packBuildContext with a Dockerfile in an ignored directory', () => {
  it('injects it', async () => {
    const root = await tree({
      'build/Dockerfile': 'FROM z',
      '.dockerignore': 'build\n',
      'a.txt': 'a',
    });
    const ctx = await packBuildContext(root, 'build/Dockerfile');
    expect(ctx.dockerfile).toBe(INJECTED_DOCKERFILE);
    const files = await entries(ctx.stream);
    expect(files[INJECTED_DOCKERFILE]).toBe('FROM z');
    expect(files['build/Dockerfile']).toBeUndefined();
  });
});
