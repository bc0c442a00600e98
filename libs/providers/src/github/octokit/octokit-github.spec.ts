import { PREVIEW_COMMENT_MARKER } from '@berth/core';

import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RepositoryCoordinates, STICKY_COMMENT_MARKER } from '../github.port.js';
import { GitHubApiError } from './github-api-error.js';
import { OctokitGitHub, type OctokitGitHubOptions } from './octokit-github.js';

// The emulator speaks GitHub's REST protocol in-process; nothing of ours is stubbed.
let gh: GitHubEmulator;
let repo: RepositoryCoordinates;
let prNumber: number;
let headSha: string;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function driver(overrides: Partial<OctokitGitHubOptions> = {}): OctokitGitHub {
  return new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    retryBaseMs: 20,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
    log: silent,
    ...overrides,
  });
}

const body = (text: string) => `${STICKY_COMMENT_MARKER}\n${text}`;
const berthComments = () =>
  gh.comments('acme/shop', prNumber).filter((c) => c.body.startsWith(STICKY_COMMENT_MARKER));

beforeAll(async () => {
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  const pr = await gh.openPullRequest({
    repo: 'acme/shop',
    branch: 'feat/cart',
    title: 'Cart',
    changes: { 'cart.txt': 'cart\n' },
  });
  prNumber = pr.number;
  headSha = pr.headSha;
  repo = { installationId: gh.installationId, owner: 'acme', repo: 'shop' };
});

afterAll(async () => {
  await gh?.stop();
});

beforeEach(() => {
  gh.clearFaults();
  for (const c of berthComments()) gh.state.comments.delete(c.id);
});

describe('OctokitGitHub', () => {
  it('uses the same marker core renders comments with', () => {
    expect(STICKY_COMMENT_MARKER).toBe(PREVIEW_COMMENT_MARKER);
  });

  it('mints an installation token that clones, and reuses it while it is fresh', async () => {
    const github = driver();
    const token = await github.installationToken(gh.installationId);
    expect(token).toMatch(/^ghs_/);
    expect(await github.installationToken(gh.installationId)).toBe(token);
    const minted = gh.requests.filter((r) => r.path.endsWith('/access_tokens'));
    expect(minted).toHaveLength(1);
    const res = await fetch(`${gh.url}/acme/shop.git/info/refs?service=git-upload-pack`, {
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(200);
  });

  it('renews a token that expires within the refresh margin', async () => {
    const github = driver({ tokenRefreshMarginMs: 2 * 3600_000 }); // every 1 h token is "close"
    gh.clearRequests();
    const first = await github.installationToken(gh.installationId);
    const second = await github.installationToken(gh.installationId);
    expect(second).not.toBe(first);
    expect(gh.requests.filter((r) => r.path.endsWith('/access_tokens')).length).toBeGreaterThan(1);
  });

  it('creates the comment once, then edits it in place', async () => {
    const github = driver();
    const id = await github.upsertStickyComment(repo, prNumber, body('building'));
    const again = await github.upsertStickyComment(repo, prNumber, body('ready'), id);
    expect(again).toBe(id);
    const comments = berthComments();
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toBe(body('ready'));
  });

  it('recreates a comment a human deleted', async () => {
    const github = driver();
    const id = await github.upsertStickyComment(repo, prNumber, body('building'));
    gh.state.comments.delete(id);
    const recreated = await github.upsertStickyComment(repo, prNumber, body('ready'), id);
    expect(recreated).not.toBe(id);
    expect(berthComments().map((c) => c.body)).toEqual([body('ready')]);
  });

  it('finds its comment by the marker after a restart (no known id), paginating', async () => {
    const first = await driver().upsertStickyComment(repo, prNumber, body('building'));
    // Push the Berth comment off the first page of comments.
    const octokit = await driverOctokit();
    for (let i = 0; i < 105; i += 1) {
      await octokit(`chatter ${i}`);
    }
    const restarted = driver();
    gh.clearRequests();
    const found = await restarted.upsertStickyComment(repo, prNumber, body('ready'));
    expect(found).toBe(first);
    expect(berthComments()).toHaveLength(1);
    expect(
      gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments')).length,
    ).toBe(2);
  });

  it('never makes two comments when reports race', async () => {
    const github = driver();
    const ids = await Promise.all(
      ['a', 'b', 'c', 'd'].map((t) => github.upsertStickyComment(repo, prNumber, body(t))),
    );
    expect(new Set(ids).size).toBe(1);
    expect(berthComments()).toHaveLength(1);
  });

  it('heals duplicates left by another process', async () => {
    const octokit = await driverOctokit();
    await octokit(body('old 1'));
    await octokit(body('old 2'));
    expect(berthComments()).toHaveLength(2);
    await driver().upsertStickyComment(repo, prNumber, body('ready'));
    expect(berthComments().map((c) => c.body)).toEqual([body('ready')]);
  });

  it('sets berth/preview pending then success on the head SHA', async () => {
    const github = driver();
    await github.setCommitStatus(repo, headSha, { state: 'pending', description: 'Building' });
    await github.setCommitStatus(repo, headSha, {
      state: 'success',
      description: 'Preview ready',
      targetUrl: 'http://web-pr-1-shop.localhost:8080',
    });
    const statuses = gh.statuses('acme/shop', headSha).filter((s) => s.context === 'berth/preview');
    expect(statuses.map((s) => s.state)).toEqual(['pending', 'success']);
    expect(statuses[1]?.targetUrl).toBe('http://web-pr-1-shop.localhost:8080');
  });

  it('retries a 502', async () => {
    gh.failNext('POST /repos/:o/:r/statuses/:sha', 502, 2);
    gh.clearRequests();
    await driver().setCommitStatus(repo, headSha, { state: 'pending', description: 'retry me' });
    const posts = gh.requests.filter((r) => r.method === 'POST' && r.path.includes('/statuses/'));
    expect(posts.map((r) => r.status)).toEqual([502, 502, 201]);
  });

  it('waits out a rate limit (retry-after) and retries', async () => {
    gh.failNext('PATCH /repos/:o/:r/issues/comments/:id', 'rate-limit', 1, {
      retryAfterSeconds: 1,
    });
    const github = driver();
    const id = await github.upsertStickyComment(repo, prNumber, body('building'));
    const started = Date.now();
    await github.upsertStickyComment(repo, prNumber, body('ready'), id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(berthComments().map((c) => c.body)).toEqual([body('ready')]);
  });

  it('names the repository, PR and HTTP status when it gives up', async () => {
    gh.failNext('POST /repos/:o/:r/issues/:n/comments', 422, 1);
    const error = await driver()
      .upsertStickyComment(repo, prNumber, body('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(422);
    expect((error as Error).message).toContain(`acme/shop#${prNumber}`);
    expect((error as Error).message).toContain('HTTP 422');
  });

  it('creates a check run, edits it in place, and sends more than 50 annotations in batches', async () => {
    const github = driver();
    const id = await github.createCheckRun(repo, headSha, 'Berth / preview', {
      status: 'queued',
      externalId: `berth:${prNumber}:1`,
      output: { title: 'Queued', summary: 'queued' },
    });
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'compose.yaml',
      startLine: i + 1,
      endLine: i + 1,
      level: 'failure' as const,
      message: `problem ${i + 1}`,
    }));
    gh.clearRequests();
    await github.updateCheckRun(repo, id, {
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Preview failed at build', summary: 'bad spec', annotations },
    });
    const patches = gh.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.status)).toEqual([200, 200, 200]);
    const run = gh.state.checkRuns.get(id);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run?.annotations.map((a) => a.startLine)).toEqual(annotations.map((a) => a.startLine));
    const listed = await github.checkRuns(repo, headSha, 'Berth / preview');
    expect(listed[0]).toMatchObject({
      id,
      externalId: `berth:${prNumber}:1`,
      conclusion: 'failure',
      appId: gh.app.id,
    });
  });

  it('leaves a 429 to the caller with the wait GitHub asked for', async () => {
    const github = driver();
    const id = await github.createCheckRun(repo, headSha, 'Berth / preview', { status: 'queued' });
    gh.failNext('PATCH /repos/:o/:r/check-runs/:id', 429, 1, { retryAfterSeconds: 7 });
    const error = await github
      .updateCheckRun(repo, id, { status: 'in_progress' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000 });
  });

  it('refuses a body without the marker', async () => {
    await expect(driver().upsertStickyComment(repo, prNumber, 'no marker')).rejects.toThrow(
      /must start with <!-- berth:preview -->/,
    );
  });
});

/** Posts plain comments as the App (other bots, humans, old Berth duplicates). */
async function driverOctokit(): Promise<(text: string) => Promise<void>> {
  const token = (await gh.createInstallationToken()).token;
  return async (text: string) => {
    const res = await fetch(`${gh.url}/repos/acme/shop/issues/${prNumber}/comments`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: text }),
    });
    if (res.status !== 201) throw new Error(`comment POST ${res.status}`);
  };
}
