// SourceRepository on the git CLI: one bare mirror per repository, one materialised tree per
// commit. Layout under `workDir`:
//   sources/<cacheKey>.git            bare mirror; fetched commits kept under refs/berth/<sha>
//   checkouts/<cacheKey>/<sha>/       the tree of that commit (renamed into place when complete)

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { git, GitCommandError } from './git-cli.js';
import { classifyGitFailure, SourceError, stderrSummary } from './git-errors.js';
import { KeyedChain } from '../shared/keyed-chain.js';
import { parseLsTree } from './ls-tree.js';
import {
  type BranchRequest,
  type Checkout,
  type CheckoutRequest,
  type SourceFile,
  type SourceRef,
  type SourceRepository,
  type TokenSource,
} from './source-repository.port.js';

const SHA = /^[0-9a-f]{40}$/;
const CACHE_KEY = /^[a-z0-9][a-z0-9._-]{0,199}$/;
const TMP_PREFIX = '.tmp-';
const BRANCH = /^[A-Za-z0-9._][A-Za-z0-9._/-]{0,250}$/;

export interface GitSourceRepositoryOptions {
  /** Root of the cache (WORK_DIR). */
  workDir: string;
  /** Timeout of one git command (default 10 min). */
  timeoutMs?: number;
}

export class GitSourceRepository implements SourceRepository {
  readonly workDir: string;
  private readonly chain = new KeyedChain();
  private readonly timeoutMs: number;

  constructor(options: GitSourceRepositoryOptions) {
    this.workDir = resolve(options.workDir);
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
  }

  checkout(request: CheckoutRequest): Promise<Checkout> {
    checkKey(request.cacheKey);
    checkSha(request.sha);
    return this.chain.run(request.cacheKey, () => this.checkoutLocked(request));
  }

  fetchBranch(request: BranchRequest): Promise<string | null> {
    checkKey(request.cacheKey);
    const branch = request.branch.replace(/^refs\/heads\//, '');
    if (!BRANCH.test(branch) || branch.includes('..') || branch.endsWith('.lock')) {
      throw new Error(`branch name \`${request.branch}\` is not one Berth fetches`);
    }
    return this.chain.run(request.cacheKey, async () => {
      const mirror = await this.ensureMirror(request.cacheKey);
      const token = await resolveToken(request.token);
      const header = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
      const local = `refs/berth/heads/${branch}`;
      try {
        await git(
          [
            '--git-dir',
            mirror,
            'fetch',
            '--quiet',
            '--no-tags',
            '--no-write-fetch-head',
            request.cloneUrl,
            `+refs/heads/${branch}:${local}`,
          ],
          {
            config: { 'http.extraHeader': header },
            secrets: [token, header],
            timeoutMs: this.timeoutMs,
          },
        );
      } catch (error) {
        const kind = failureKind(error);
        if (kind === 'not-found') return null;
        const where = `${request.cacheKey} (${request.cloneUrl})`;
        const detail =
          error instanceof GitCommandError ? stderrSummary(error.stderr) : String(error);
        throw new SourceError(kind, `fetching branch ${branch} from ${where} failed: ${detail}`);
      }
      const { stdout } = await git([
        '--git-dir',
        mirror,
        'rev-parse',
        '--verify',
        `${local}^{commit}`,
      ]);
      return stdout.trim();
    });
  }

  async listFiles(ref: SourceRef): Promise<SourceFile[]> {
    checkKey(ref.cacheKey);
    checkSha(ref.sha);
    const { stdout } = await this.mirrorGit(ref, ['ls-tree', '-r', '-z', '--full-tree', ref.sha]);
    return parseLsTree(stdout);
  }

  async readFile(ref: SourceRef, path: string): Promise<string | null> {
    checkKey(ref.cacheKey);
    checkSha(ref.sha);
    const clean = path.replace(/^\.\//, '');
    if (clean === '' || clean.startsWith('/') || clean.split('/').includes('..')) {
      throw new SourceError('other', `path \`${path}\` must be relative to the repository root`);
    }
    const { stdout } = await this.mirrorGit(ref, [
      'ls-tree',
      '-z',
      '--full-tree',
      ref.sha,
      '--',
      clean,
    ]);
    const entry = parseLsTree(stdout).find((f) => f.path === clean);
    if (!entry) return null;
    if (entry.mode === 0o120000) {
      throw new SourceError(
        'other',
        `\`${clean}\` in ${ref.cacheKey}@${ref.sha.slice(0, 12)} is a symlink; Berth reads this file from git and needs a regular file`,
      );
    }
    return (await this.mirrorGit(ref, ['cat-file', 'blob', entry.blobSha])).stdout;
  }

  prune(cacheKey: string, keep: number): Promise<string[]> {
    checkKey(cacheKey);
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`keep must be ≥ 0, got ${keep}`);
    return this.chain.run(cacheKey, async () => {
      const root = this.checkoutsOf(cacheKey);
      const names = await readdir(root).catch(() => [] as string[]);
      const dated = await Promise.all(
        names
          .filter((n) => SHA.test(n))
          .map(async (n) => ({ n, at: (await stat(join(root, n))).mtimeMs })),
      );
      dated.sort((a, b) => b.at - a.at);
      const removed = dated.slice(keep).map((d) => d.n);
      for (const sha of removed) {
        await rm(join(root, sha), { recursive: true, force: true });
        await git([
          '--git-dir',
          this.mirrorOf(cacheKey),
          'update-ref',
          '-d',
          `refs/berth/${sha}`,
        ]).catch(() => undefined);
      }
      // Temp dirs of a crashed checkout.
      for (const n of names.filter((n) => n.startsWith(TMP_PREFIX))) {
        await rm(join(root, n), { recursive: true, force: true });
      }
      if (removed.length > 0) await this.packMirror(cacheKey);
      return removed;
    });
  }

  /**
   * Every fetch leaves a pack and every checkout a ref (git's own auto gc is off: it must not run
   * under a checkout). Once refs were dropped: git's auto gc thresholds, with what those refs
   * alone held pruned after an hour instead of two weeks, so the mirror does not only grow.
   */
  private async packMirror(cacheKey: string): Promise<void> {
    const mirror = this.mirrorOf(cacheKey);
    if (!(await exists(join(mirror, 'HEAD')))) return;
    await git(['--git-dir', mirror, 'gc', '--auto', '--quiet'], {
      config: { 'gc.auto': '6700', 'gc.autoPackLimit': '20', 'gc.pruneExpire': '1.hour.ago' },
    }).catch(() => undefined);
  }

  private async checkoutLocked(request: CheckoutRequest): Promise<Checkout> {
    const { cacheKey, sha } = request;
    const dir = join(this.checkoutsOf(cacheKey), sha);
    if (await exists(dir)) {
      const now = new Date();
      await utimes(dir, now, now); // most recently used, for prune
      return { cacheKey, sha, dir, fetched: false };
    }
    const mirror = await this.ensureMirror(cacheKey);
    let fetched = false;
    if (!(await this.hasCommit(mirror, sha))) {
      await this.fetch(mirror, request);
      fetched = true;
    }
    await this.materialise(mirror, request, dir);
    return { cacheKey, sha, dir, fetched };
  }

  private async ensureMirror(cacheKey: string): Promise<string> {
    const mirror = this.mirrorOf(cacheKey);
    if (await exists(join(mirror, 'HEAD'))) return mirror;
    await mkdir(join(this.workDir, 'sources'), { recursive: true });
    const tmp = `${mirror}${TMP_PREFIX}${randomBytes(4).toString('hex')}`;
    await git(['init', '--quiet', '--bare', tmp]);
    try {
      await rename(tmp, mirror);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      if (!(await exists(join(mirror, 'HEAD')))) throw error;
    }
    return mirror;
  }

  private async hasCommit(mirror: string, sha: string): Promise<boolean> {
    try {
      await git(['--git-dir', mirror, 'cat-file', '-e', `${sha}^{commit}`]);
      return true;
    } catch {
      return false;
    }
  }

  private async fetch(mirror: string, request: CheckoutRequest): Promise<void> {
    const token = await resolveToken(request.token);
    // Basic auth as GitHub documents for installation tokens; passed as config through the
    // environment, so it is in neither the URL, argv, nor the mirror's config file.
    const header = `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    const options = {
      config: { 'http.extraHeader': header },
      secrets: [token, header],
      timeoutMs: this.timeoutMs,
    };
    const base = ['--git-dir', mirror, 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head'];
    const where = `${request.cacheKey} (${request.cloneUrl})`;
    const fallback = fallbackRefs(request);
    try {
      await git([...base, request.cloneUrl, `+${request.sha}:refs/berth/${request.sha}`], options);
      return;
    } catch (error) {
      const kind = failureKind(error);
      if (kind !== 'not-found' || fallback.length === 0)
        throw describeFailure(error, kind, request, where);
    }
    // The server refused a bare SHA: fetch the PR head and branch, then look for the commit.
    try {
      await git([...base, request.cloneUrl, ...fallback], options);
    } catch (error) {
      throw describeFailure(error, failureKind(error), request, where);
    }
    if (!(await this.hasCommit(mirror, request.sha))) {
      throw notFound(
        request,
        where,
        `not reachable from ${fallback.map((r) => r.split(':')[0]).join(' or ')}`,
      );
    }
    await git(['--git-dir', mirror, 'update-ref', `refs/berth/${request.sha}`, request.sha]);
  }

  /** Writes the tree into a temp dir next to the target, then renames it into place. */
  private async materialise(mirror: string, request: CheckoutRequest, dir: string): Promise<void> {
    const parent = this.checkoutsOf(request.cacheKey);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `${TMP_PREFIX}${request.sha}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp);
    // A private index file: the mirror's own index is never touched, so two checkouts of one
    // mirror cannot interfere.
    const env = { GIT_INDEX_FILE: `${tmp}.index` };
    try {
      await git(['--git-dir', mirror, '--work-tree', tmp, 'read-tree', request.sha], { env });
      await git(
        [
          '--git-dir',
          mirror,
          '--work-tree',
          tmp,
          '-c',
          'core.autocrlf=false',
          'checkout-index',
          '--all',
          '--force',
        ],
        { env },
      );
      try {
        await rename(tmp, dir);
      } catch (error) {
        // Another process finished the same checkout first: keep theirs.
        if (!(await exists(dir))) throw error;
      }
    } catch (error) {
      if (error instanceof GitCommandError) {
        throw new SourceError(
          'other',
          `writing the tree of ${request.sha} for ${request.cacheKey} failed: ${stderrSummary(error.stderr)}`,
        );
      }
      throw error;
    } finally {
      await rm(tmp, { recursive: true, force: true });
      await rm(`${tmp}.index`, { force: true });
    }
  }

  mergeBase(ref: SourceRef, branch: string): Promise<string | null> {
    checkKey(ref.cacheKey);
    checkSha(ref.sha);
    const name = branch.replace(/^refs\/heads\//, '');
    if (!BRANCH.test(name) || name.includes('..')) return Promise.resolve(null);
    return this.chain.run(ref.cacheKey, async () => {
      try {
        const { stdout } = await git([
          '--git-dir',
          this.mirrorOf(ref.cacheKey),
          'merge-base',
          ref.sha,
          `refs/berth/heads/${name}`,
        ]);
        const sha = stdout.trim();
        return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
      } catch (error) {
        // Exit 1: no common ancestor; 128: the branch (or the commit) is not in the mirror.
        if (error instanceof GitCommandError) return null;
        throw error;
      }
    });
  }

  private mirrorGit(ref: SourceRef, args: string[]) {
    return git(['--git-dir', this.mirrorOf(ref.cacheKey), ...args]).catch((error: unknown) => {
      if (error instanceof GitCommandError) {
        throw new SourceError(
          classifyGitFailure(error.stderr),
          `reading ${ref.cacheKey}@${ref.sha.slice(0, 12)} from the source cache failed (check it out first): ${stderrSummary(error.stderr)}`,
        );
      }
      throw error;
    });
  }

  private mirrorOf(cacheKey: string): string {
    return join(this.workDir, 'sources', `${cacheKey}.git`);
  }

  private checkoutsOf(cacheKey: string): string {
    return join(this.workDir, 'checkouts', cacheKey);
  }
}

function fallbackRefs(request: CheckoutRequest): string[] {
  const refs: string[] = [];
  if (request.prNumber !== undefined) {
    refs.push(`+refs/pull/${request.prNumber}/head:refs/berth/pull/${request.prNumber}`);
  }
  if (request.ref) {
    const branch = request.ref.replace(/^refs\/heads\//, '');
    refs.push(`+refs/heads/${branch}:refs/berth/heads/${branch}`);
  }
  return refs;
}

function failureKind(error: unknown) {
  return error instanceof GitCommandError ? classifyGitFailure(error.stderr) : 'other';
}

function describeFailure(
  error: unknown,
  kind: string,
  request: CheckoutRequest,
  where: string,
): Error {
  if (!(error instanceof GitCommandError)) return error as Error;
  const detail = stderrSummary(error.stderr);
  switch (kind) {
    case 'auth':
      return new SourceError(
        'auth',
        `installation token rejected by ${where} while fetching ${request.sha}: check the GitHub App is installed on the repository with contents:read (${detail})`,
      );
    case 'not-found':
      return notFound(request, where, detail);
    case 'unreachable':
      return new SourceError('unreachable', `cannot reach the clone URL of ${where}: ${detail}`);
    default:
      return new SourceError('other', `fetching ${request.sha} from ${where} failed: ${detail}`);
  }
}

function notFound(request: CheckoutRequest, where: string, detail: string): SourceError {
  return new SourceError(
    'not-found',
    `commit ${request.sha} not found on the clone URL of ${where} (force-pushed away, or a wrong SHA?): ${detail}`,
  );
}

async function resolveToken(token: TokenSource): Promise<string> {
  const value = typeof token === 'function' ? await token() : token;
  if (!value) throw new SourceError('auth', 'no installation token to fetch with');
  return value;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function checkKey(cacheKey: string): void {
  if (!CACHE_KEY.test(cacheKey) || cacheKey.includes('..')) {
    throw new Error(
      `source cache key \`${cacheKey}\` must be a slug of [a-z0-9._-] (e.g. acme--shop)`,
    );
  }
}

function checkSha(sha: string): void {
  if (!SHA.test(sha)) throw new Error(`commit SHA must be 40 lowercase hex chars, got \`${sha}\``);
}
