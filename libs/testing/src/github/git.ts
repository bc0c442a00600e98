// Git plumbing against bare repositories: no working trees, so commits are made with a
// temporary index (read-tree → update-index → write-tree → commit-tree). Fast and isolated
// from the user's git config.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitOptions {
  gitDir: string;
  env?: Record<string, string>;
  input?: string | Buffer;
  cwd?: string;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Emulated Developer',
  GIT_AUTHOR_EMAIL: 'dev@example.test',
  GIT_COMMITTER_NAME: 'Emulated Developer',
  GIT_COMMITTER_EMAIL: 'dev@example.test',
};

/** Environment that keeps the host's git config out of the emulator's repositories. */
export function isolatedGitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...IDENTITY,
  };
}

export function git(args: string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        env: { ...isolatedGitEnv(), GIT_DIR: options.gitDir, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        cwd: options.cwd,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`git ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        } else {
          resolve(stdout.trim());
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export async function initBare(gitDir: string, defaultBranch: string): Promise<void> {
  await git(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, gitDir], {
    gitDir,
  });
  // GitHub lets clients fetch any reachable commit by SHA (e.g. a PR head).
  await git(['config', 'uploadpack.allowAnySHA1InWant', 'true'], { gitDir });
  await git(['config', 'http.receivepack', 'true'], { gitDir });
}

/** Resolves a branch, tag or SHA to a commit SHA, or undefined if it does not exist. */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-')) return undefined;
  try {
    return await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { gitDir });
  } catch {
    return undefined;
  }
}

/** `null` deletes the path. */
export type FileChanges = Record<string, string | null>;

/** Writes a commit with `changes` applied on top of `parent` (or an empty tree) and returns its SHA. */
export async function commitChanges(
  gitDir: string,
  parent: string | undefined,
  changes: FileChanges,
  message: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'berth-gh-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    if (parent) await git(['read-tree', parent], { gitDir, env });
    const lines: string[] = [];
    for (const [path, content] of Object.entries(changes)) {
      const clean = path.replace(/^\/+/, '');
      if (content === null) {
        lines.push(`0 ${'0'.repeat(40)}\t${clean}`);
      } else {
        const blob = await git(['hash-object', '-w', '--stdin'], { gitDir, input: content });
        lines.push(`100644 ${blob}\t${clean}`);
      }
    }
    if (lines.length) {
      await git(['update-index', '--index-info'], { gitDir, env, input: `${lines.join('\n')}\n` });
    }
    const tree = await git(['write-tree'], { gitDir, env });
    return await git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', message], {
      gitDir,
      env,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Commits a copy of `directory` (minus node_modules and .git; .gitignore honoured) as a root commit. */
export async function commitDirectory(
  gitDir: string,
  directory: string,
  message: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'berth-gh-import-'));
  const tree = join(scratch, 'tree');
  const env = { GIT_INDEX_FILE: join(scratch, 'index'), GIT_WORK_TREE: tree };
  try {
    await cp(directory, tree, {
      recursive: true,
      filter: (source) => !/(^|[/\\])(node_modules|\.git)$/.test(source),
    });
    await git(['add', '--all', '.'], { gitDir, env, cwd: tree });
    const treeId = await git(['write-tree'], { gitDir, env });
    return await git(['commit-tree', treeId, '-m', message], { gitDir, env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function updateRef(gitDir: string, ref: string, sha: string): Promise<void> {
  await git(['update-ref', ref, sha], { gitDir });
}

/** Copies `sha` into another bare repository under `ref` (forks share history this way). */
export async function pushCommit(
  fromGitDir: string,
  toGitDir: string,
  sha: string,
  ref: string,
): Promise<void> {
  await git(['push', '--quiet', '--force', toGitDir, `${sha}:${ref}`], { gitDir: fromGitDir });
}

/** A merge commit of `head` into `base`; throws on conflicts (the emulator has no UI to resolve them). */
export async function mergeCommit(
  gitDir: string,
  base: string,
  head: string,
  message: string,
): Promise<string> {
  const out = await git(['merge-tree', '--write-tree', base, head], { gitDir });
  const tree = out.split('\n')[0] ?? '';
  return git(['commit-tree', tree, '-p', base, '-p', head, '-m', message], { gitDir });
}
