// GitSourceRepository against the GitHub emulator's real git smart-HTTP server.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSourceRepository } from '@berth/providers';
import { startGitHubEmulator } from '@berth/testing';

type Emulator = Awaited<ReturnType<typeof startGitHubEmulator>>;

let gh: Emulator;
let workDir: string;
let source: GitSourceRepository;
let cloneUrl: string;
let mainSha: string;

beforeAll(async () => {
  gh = await startGitHubEmulator();
  await gh.createRepository({
    owner: 'acme',
    name: 'shop',
    files: {
      'README.md': '# shop\n',
      'api/src/main.js': 'console.log(1)\n',
      'bin/run': '#!/bin/sh\n',
    },
  });
  const pr = await gh.openPullRequest({
    repo: 'acme/shop',
    branch: 'feat/x',
    title: 'x',
    changes: { 'api/src/main.js': 'console.log(2)\n' },
  });
  mainSha = pr.headSha;
  cloneUrl = gh.cloneUrl('acme/shop');
  workDir = await mkdtemp(join(tmpdir(), 'berth-source-'));
  source = new GitSourceRepository({ workDir });
});

afterAll(async () => {
  await gh?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('GitSourceRepository', () => {
  it('checks out a SHA with an installation token, then reuses it without fetching', async () => {
    const { token } = gh.createInstallationToken();
    const first = await source.checkout({ cacheKey: 'acme--shop', cloneUrl, token, sha: mainSha });
    expect(first.fetched).toBe(true);
    expect(first.dir).toBe(join(workDir, 'checkouts', 'acme--shop', mainSha));
    expect(await readFile(join(first.dir, 'api/src/main.js'), 'utf8')).toBe('console.log(2)\n');

    let asked = 0;
    const second = await source.checkout({
      cacheKey: 'acme--shop',
      cloneUrl,
      token: async () => {
        asked += 1;
        return token;
      },
      sha: mainSha,
    });
    expect(second).toEqual({ ...first, fetched: false });
    expect(asked).toBe(0);
    // Nothing half-written next to it, and the token is in no file of the cache.
    expect(await readdir(join(workDir, 'checkouts', 'acme--shop'))).toEqual([mainSha]);
    const config = await readFile(join(workDir, 'sources', 'acme--shop.git', 'config'), 'utf8');
    expect(config).not.toContain(token);
  });

  it('runs concurrent checkouts of one repository one at a time, all converging', async () => {
    const { token } = gh.createInstallationToken();
    const pushed = await gh.pushToPullRequest(gh.pullRequest('acme/shop', 1), {
      'web/index.html': '<h1>hi</h1>\n',
    });
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        source.checkout({ cacheKey: 'acme--shop', cloneUrl, token, sha: pushed }),
      ),
    );
    expect(new Set(results.map((r) => r.dir)).size).toBe(1);
    expect(results.filter((r) => r.fetched)).toHaveLength(1);
  });

  it('lists files with blob ids and modes, and reads files from git', async () => {
    const ref = { cacheKey: 'acme--shop', sha: mainSha };
    const files = await source.listFiles(ref);
    expect(files.map((f) => f.path).sort()).toEqual(['README.md', 'api/src/main.js', 'bin/run']);
    for (const f of files) expect(f.blobSha).toMatch(/^[0-9a-f]{40}$/);
    expect(await source.readFile(ref, 'api/src/main.js')).toBe('console.log(2)\n');
    expect(await source.readFile(ref, 'nope.txt')).toBeNull();
    await expect(source.readFile(ref, '../etc/passwd')).rejects.toThrow(/relative/);
  });

  it('says the installation token was rejected on a 401', async () => {
    const sha = await gh.pushToPullRequest(gh.pullRequest('acme/shop', 1), { 'x.txt': 'x\n' });
    const attempt = source.checkout({ cacheKey: 'acme--shop', cloneUrl, token: 'ghs_wrong', sha });
    await expect(attempt).rejects.toThrow(/installation token rejected by acme--shop/);
    await expect(attempt).rejects.not.toThrow(/ghs_wrong/);
  });

  it('says which commit was not found', async () => {
    const { token } = gh.createInstallationToken();
    const sha = 'f'.repeat(40);
    await expect(
      source.checkout({ cacheKey: 'acme--shop', cloneUrl, token, sha, prNumber: 1, ref: 'feat/x' }),
    ).rejects.toThrow(`commit ${sha} not found on the clone URL of acme--shop`);
  });

  it('prunes all but the most recent checkouts', async () => {
    const removed = await source.prune('acme--shop', 1);
    expect(removed).toHaveLength(1);
    expect(await readdir(join(workDir, 'checkouts', 'acme--shop'))).toHaveLength(1);
  });

  it('finds where a PR was cut from its base branch, once the branch is fetched', async () => {
    const { token } = gh.createInstallationToken();
    const ref = { cacheKey: 'acme--shop', sha: mainSha };
    expect(await source.mergeBase(ref, 'release')).toBeNull(); // never fetched
    const cut = await source.fetchBranch({
      cacheKey: 'acme--shop',
      cloneUrl,
      token,
      branch: 'main',
    });
    // The base branch moves on after the PR was cut: the PR still shares the older commit.
    const moved = await gh.commitToBranch('acme/shop', 'main', { 'MAIN.md': 'later\n' });
    expect(
      await source.fetchBranch({ cacheKey: 'acme--shop', cloneUrl, token, branch: 'main' }),
    ).toBe(moved);
    expect(await source.mergeBase(ref, 'main')).toBe(cut);
    expect(await source.mergeBase(ref, 'refs/heads/main')).toBe(cut);
  });
});
