// The two reads ordering and approval depend on, against the GitHub emulator (real REST wire
// protocol, nothing of ours stubbed): the PR's current state and a user's permission.
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RepositoryCoordinates } from '../github.port.js';
import { GitHubApiError } from './github-api-error.js';
import { OctokitGitHub } from './octokit-github.js';

let gh: GitHubEmulator;
let repo: RepositoryCoordinates;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const driver = () =>
  new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    retries: 3,
    retryBaseMs: 5,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
    log: silent,
  });

const PERMISSION_PATH = '/repos/:o/:r/collaborators/:u/permission';
const permissionCalls = (login: string) =>
  gh.requests
    .filter((r) => r.path === `/repos/acme/shop/collaborators/${login}/permission`)
    .map((r) => r.status);

beforeAll(async () => {
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  repo = { installationId: gh.installationId, owner: 'acme', repo: 'shop' };
});
afterEach(() => {
  gh.clearFaults();
  gh.useRealTime();
});
afterAll(async () => {
  await gh?.stop();
});

describe('OctokitGitHub.pullRequest', () => {
  it("reads the PR's state, merged flag, head SHA and updated_at as GitHub has them now", async () => {
    gh.setTime('2026-12-02T10:00:00Z');
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'read', title: 'Read' });
    const github = driver();
    expect(await github.pullRequest(repo, pr.number)).toEqual({
      number: pr.number,
      state: 'open',
      merged: false,
      headSha: pr.headSha,
      updatedAt: '2026-12-02T10:00:00Z',
    });
    gh.advanceTime(1);
    const pushed = await gh.pushToPullRequest(pr, { 'x.txt': 'x\n' });
    gh.advanceTime(1);
    await gh.closePullRequest(pr, { merged: true });
    expect(await github.pullRequest(repo, pr.number)).toEqual({
      number: pr.number,
      state: 'closed',
      merged: true,
      headSha: pushed,
      updatedAt: '2026-12-02T10:00:02Z',
    });
  });

  it('reports a closed, unmerged PR as closed and not merged', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'shut', title: 'Shut' });
    await gh.closePullRequest(pr);
    expect(await driver().pullRequest(repo, pr.number)).toMatchObject({
      state: 'closed',
      merged: false,
    });
  });

  it('fails with a GitHubApiError naming the PR for a PR that does not exist', async () => {
    const error = await driver()
      .pullRequest(repo, 9999)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(404);
    expect((error as Error).message).toContain('acme/shop#9999');
  });

  it('retries a 502 and still fails when GitHub keeps failing', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'flaky', title: 'Flaky' });
    gh.failNext('GET /repos/:o/:r/pulls/:n', 502, 2);
    expect((await driver().pullRequest(repo, pr.number)).headSha).toBe(pr.headSha);
    gh.failNext('GET /repos/:o/:r/pulls/:n', 503, 4);
    const error = await driver()
      .pullRequest(repo, pr.number)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(503);
  });
});

describe('OctokitGitHub.permission', () => {
  it('reads role_name: the owner is admin, others what they were given, maintain and triage included', async () => {
    gh.setPermission('acme/shop', 'maintainer', 'write');
    gh.setPermission('acme/shop', 'lead', 'maintain');
    gh.setPermission('acme/shop', 'triager', 'triage');
    gh.setPermission('acme/shop', 'reader', 'read');
    gh.setPermission('acme/shop', 'admin-user', 'admin');
    gh.setPermission('acme/shop', 'known', 'none');
    const github = driver();
    const levels = await Promise.all(
      ['acme', 'maintainer', 'lead', 'triager', 'reader', 'admin-user', 'known'].map((login) =>
        github.permission(repo, login),
      ),
    );
    expect(levels).toEqual(['admin', 'write', 'maintain', 'triage', 'read', 'admin', 'none']);
  });

  it('reads a 404 (no such user / not a collaborator) as none', async () => {
    gh.clearRequests();
    expect(await driver().permission(repo, 'ghost-user')).toBe('none');
    // One answer, a real 404: not retried, not an error.
    expect(permissionCalls('ghost-user')).toEqual([404]);
  });

  it('retries a 502 to the real answer', async () => {
    gh.setPermission('acme/shop', 'retried', 'write');
    gh.failNext(`GET ${PERMISSION_PATH}`, 502, 2);
    gh.clearRequests();
    expect(await driver().permission(repo, 'retried')).toBe('write');
    expect(permissionCalls('retried')).toEqual([502, 502, 200]);
  });

  it('does not hide an outage behind none: retries run out, then the 5xx is thrown', async () => {
    gh.setPermission('acme/shop', 'down', 'admin');
    gh.failNext(`GET ${PERMISSION_PATH}`, 500, 4);
    gh.clearRequests();
    const error = await driver()
      .permission(repo, 'down')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(500);
    expect((error as Error).message).toContain('user down');
    expect(permissionCalls('down')).toEqual([500, 500, 500, 500]);
  });

  it('throws a 403 (app lacks access) instead of reading it as none', async () => {
    gh.failNext(`GET ${PERMISSION_PATH}`, 403, 1);
    const error = await driver()
      .permission(repo, 'acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
  });
});

describe('OctokitGitHub.defaultBranchHead', () => {
  it('reads the repository then its default branch, and asks conditionally after', async () => {
    const github = driver();
    const first = await github.defaultBranchHead(repo);
    if (first.status !== 'modified') throw new Error('expected a full answer');
    expect(first.head.repository).toMatchObject({
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      defaultBranch: 'main',
      pushedAt: expect.any(String),
    });
    expect(first.head.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(first.validator).toBeDefined();

    gh.clearRequests();
    expect(await github.defaultBranchHead(repo, first.validator)).toEqual({
      status: 'not-modified',
    });
    expect(gh.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/repos/acme/shop 304']);

    gh.advanceTime(5);
    const moved = await gh.commitToBranch('acme/shop', 'main', { 'MOVED.md': 'moved\n' });
    const after = await github.defaultBranchHead(repo, first.validator);
    expect(after).toMatchObject({ status: 'modified', head: { sha: moved } });
  });
});
