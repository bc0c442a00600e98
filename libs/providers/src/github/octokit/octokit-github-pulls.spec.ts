// Listing open PRs for the resync with GitHub (decision 0022), against the GitHub emulator (its
// real wire behaviour: Link pagination, ETags, 304 on If-None-Match that costs no rate limit).
import { type GitHubEmulator, type PullRecord, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepositoryCoordinates } from '../github.port.js';
import { GitHubApiError } from './github-api-error.js';
import { OctokitGitHub } from './octokit-github.js';

let gh: GitHubEmulator;
let repo: RepositoryCoordinates;
const pulls: PullRecord[] = [];
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const driver = () =>
  new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    retries: 1,
    retryBaseMs: 5,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
    pullsPerPage: 2,
    log: silent,
  });

const listCalls = () => gh.requests.filter((r) => r.path === '/repos/acme/shop/pulls');

beforeAll(async () => {
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  repo = { installationId: gh.installationId, owner: 'acme', repo: 'shop' };
  for (let i = 1; i <= 5; i += 1) {
    pulls.push(
      await gh.openPullRequest({
        repo: 'acme/shop',
        branch: `feat/${i}`,
        title: `PR ${i}`,
        ...(i === 2 ? { labels: ['preview:skip'] } : {}),
      }),
    );
  }
  await gh.closePullRequest(pulls[4]!, { merged: true });
});
afterAll(async () => {
  await gh?.stop();
});

describe('OctokitGitHub.listOpenPullRequests', () => {
  let validator = '';

  it('lists every open PR across pages (Link rel="next"), in the webhook fields', async () => {
    gh.clearRequests();
    const answer = await driver().listOpenPullRequests(repo);
    if (answer.status !== 'modified') throw new Error('expected a listing');
    expect(answer.pulls.map((p) => p.number).sort()).toEqual([1, 2, 3, 4]);
    expect(listCalls().map((r) => r.query.page)).toEqual(['1', '2']);
    const second = answer.pulls.find((p) => p.number === 2);
    expect(second).toMatchObject({
      state: 'open',
      merged: false,
      headSha: pulls[1]!.headSha,
      headRef: 'feat/2',
      baseRef: 'main',
      labels: ['preview:skip'],
      author: 'octocat',
      baseRepo: { fullName: 'acme/shop', owner: 'acme', name: 'shop', defaultBranch: 'main' },
    });
    expect(second?.headRepoId).toBe(second?.baseRepo.id);
    expect(JSON.parse(answer.validator)).toHaveLength(2);
    validator = answer.validator;
  });

  it('asks each page with If-None-Match and answers not-modified on 304s, free of rate limit', async () => {
    gh.clearRequests();
    expect(await driver().listOpenPullRequests(repo, validator)).toEqual({
      status: 'not-modified',
    });
    const calls = listCalls();
    expect(calls.map((r) => [r.query.page, r.status])).toEqual([
      ['1', 304],
      ['2', 304],
    ]);
    expect(calls.every((r) => typeof r.headers['if-none-match'] === 'string')).toBe(true);
  });

  it('lists again in full when any page changed (a close on the last page)', async () => {
    await gh.closePullRequest(pulls[0]!);
    gh.clearRequests();
    const answer = await driver().listOpenPullRequests(repo, validator);
    if (answer.status !== 'modified') throw new Error('expected a listing');
    expect(answer.pulls.map((p) => p.number).sort()).toEqual([2, 3, 4]);
    expect(listCalls().map((r) => r.status)).toEqual([304, 200, 200, 200]);
    expect(answer.validator).not.toBe(validator);
  });

  it('ignores an unreadable validator and lists in full', async () => {
    const answer = await driver().listOpenPullRequests(repo, 'not json');
    expect(answer.status).toBe('modified');
  });
});

describe('OctokitGitHub.getPullRequest', () => {
  it('reads a closed PR in full, merged or not', async () => {
    expect(await driver().getPullRequest(repo, 5)).toMatchObject({
      number: 5,
      state: 'closed',
      merged: true,
      headSha: pulls[4]!.headSha,
    });
    expect(await driver().getPullRequest(repo, 1)).toMatchObject({
      state: 'closed',
      merged: false,
    });
  });

  it('fails with a GitHubApiError for a PR that does not exist', async () => {
    const error = await driver()
      .getPullRequest(repo, 999)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(404);
  });
});
