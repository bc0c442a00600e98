// Real `git clone`/`git fetch` over smart HTTP against the emulator, with and without a token.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from './emulator.js';
import { isolatedGitEnv } from './git.js';

const run = promisify(execFile);
const git = async (args: string[], cwd?: string): Promise<string> =>
  (await run('git', args, { cwd, env: isolatedGitEnv() })).stdout.trim();

// Real git processes against a real HTTP server: give each test room when the machine is busy.
describe('git smart HTTP on the emulator', { timeout: 30_000 }, () => {
  let gh: GitHubEmulator;
  let work: string;
  let token: string;

  beforeAll(async () => {
    gh = await startGitHubEmulator();
    work = await mkdtemp(join(tmpdir(), 'berth-git-spec-'));
    const source = join(work, 'source');
    await mkdir(join(source, 'node_modules', 'left-pad'), { recursive: true });
    await mkdir(join(source, 'api'), { recursive: true });
    await writeFile(join(source, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
    await writeFile(join(source, 'api', 'server.js'), 'console.log("api");\n');
    await writeFile(join(source, '.gitignore'), '*.log\n');
    await writeFile(join(source, 'debug.log'), 'noise\n');
    await gh.createRepository({ owner: 'acme', name: 'shop', fromDirectory: source });
    token = gh.createInstallationToken().token;
  });
  afterAll(async () => {
    await gh.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('clones with an installation token, skipping node_modules and ignored files', async () => {
    const dir = join(work, 'clone');
    await git(['clone', '--quiet', gh.cloneUrl('acme/shop', token), dir]);
    const files = (await git(['ls-files'], dir)).split('\n').sort();
    expect(files).toEqual(['.gitignore', 'api/server.js']);
    expect(await git(['rev-parse', '--abbrev-ref', 'HEAD'], dir)).toBe('main');
  });

  it('refuses to clone without a token or with a bad one', async () => {
    await expect(
      git(['clone', '--quiet', gh.cloneUrl('acme/shop'), join(work, 'anon')]),
    ).rejects.toThrow(/Authentication failed|could not read Username|terminal prompts disabled/);
    await expect(
      git(['clone', '--quiet', gh.cloneUrl('acme/shop', 'ghs_wrong'), join(work, 'bad')]),
    ).rejects.toThrow(/Authentication failed|401/);
    const unauthenticated = await fetch(
      `${gh.url}/acme/shop.git/info/refs?service=git-upload-pack`,
    );
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('fetches a fork PR head from refs/pull/:n/head and follows pushes', async () => {
    gh.clearRequests();
    const pr = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'patch-1',
      title: 'Fix typo',
      fork: 'outsider',
      changes: { 'api/server.js': 'console.log("fixed");\n' },
    });
    expect(gh.pullRequestJson(pr)).toMatchObject({
      head: { repo: { full_name: 'outsider/shop', fork: true }, ref: 'patch-1', sha: pr.headSha },
      base: { repo: { full_name: 'acme/shop' }, ref: 'main' },
      user: { login: 'outsider' },
    });
    const dir = join(work, 'fetch');
    await git(['init', '--quiet', dir]);
    const url = gh.cloneUrl('acme/shop', token);
    await git(['fetch', '--quiet', url, `refs/pull/${pr.number}/head`], dir);
    expect(await git(['rev-parse', 'FETCH_HEAD'], dir)).toBe(pr.headSha);
    // The branch is not in the base repository, only in the fork (like GitHub).
    expect(await git(['ls-remote', url, 'refs/heads/patch-1'], dir)).toBe('');

    const before = pr.headSha;
    const after = await gh.pushToPullRequest(pr, { 'web/index.html': '<h1>shop</h1>\n' });
    expect(after).not.toBe(before);
    await git(['fetch', '--quiet', url, after], dir);
    await git(['checkout', '--quiet', after], dir);
    expect(await readFile(join(dir, 'web', 'index.html'), 'utf8')).toBe('<h1>shop</h1>\n');
    expect(await git(['rev-parse', 'HEAD~1'], dir)).toBe(before);
    // git asks anonymously first and retries with the URL's credentials after the 401.
    const gitCalls = gh.requests.filter((r) => r.kind === 'git');
    expect(gitCalls.every((r) => r.status === 200 || (r.status === 401 && r.auth === 'none'))).toBe(
      true,
    );
    expect(gitCalls).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/acme/shop.git/git-upload-pack',
        status: 200,
        auth: 'installation-token',
      }),
    );
  });

  it('force-pushes onto the base tip and merges into main on close', async () => {
    const pr = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'feature',
      title: 'Feature',
      changes: { 'a.txt': 'a\n' },
    });
    const first = pr.headSha;
    const rewritten = await gh.pushToPullRequest(pr, { 'b.txt': 'b\n' }, { force: true });
    const dir = join(work, 'force');
    await git(['clone', '--quiet', gh.cloneUrl('acme/shop', token), dir]);
    await git(['fetch', '--quiet', 'origin', 'feature'], dir);
    expect(await git(['rev-parse', 'FETCH_HEAD~1'], dir)).toBe(pr.baseSha);
    expect(
      await git(['merge-base', '--is-ancestor', first, 'FETCH_HEAD'], dir).catch(() => 'not'),
    ).toBe('not');
    expect(rewritten).toBe(await git(['rev-parse', 'FETCH_HEAD'], dir));

    await gh.closePullRequest(pr, { merged: true });
    await git(['pull', '--quiet', 'origin', 'main'], dir);
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('b\n');
    expect(gh.pullRequestJson(pr)).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: pr.mergeCommitSha,
    });
  });
});
