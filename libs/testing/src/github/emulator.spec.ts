// Drives the emulator with the official SDK exactly as Berth does: App → installation Octokit.
import { generateKeyPairSync } from 'node:crypto';
import { App } from '@octokit/app';
// The SDK's RequestError (name 'HttpError'); a type import keeps the transitive package undeclared.
import type { RequestError } from '@octokit/request-error';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from './emulator.js';
import type { PullRecord } from './types.js';

// The SDK logs every 4xx; these tests provoke them on purpose.
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const Sdk = Octokit.defaults({ log: quiet });

describe('GitHub emulator via the official SDK', () => {
  let gh: GitHubEmulator;
  let octokit: Octokit;
  let pr: PullRecord;

  beforeAll(async () => {
    gh = await startGitHubEmulator();
    await gh.createRepository({
      owner: 'acme',
      name: 'shop',
      files: { 'README.md': '# shop\n', 'docker-compose.yml': 'services: {}\n' },
    });
    pr = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'feature/cart',
      title: 'Add cart',
      labels: ['preview:full-stack'],
      changes: { 'cart.txt': 'cart\n' },
    });
    const app = new App({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      Octokit: Sdk.defaults({ baseUrl: gh.url }),
    });
    octokit = (await app.getInstallationOctokit(gh.installationId)) as unknown as Octokit;
  });
  afterAll(() => gh.stop());

  it('authenticates the app with a JWT and mints an installation token', async () => {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'shop',
    });
    const tokenCall = gh.requests.find((r) => r.path.endsWith('/access_tokens'));
    expect(tokenCall).toMatchObject({ method: 'POST', status: 201, auth: 'app-jwt' });
    expect(gh.requests.at(-1)).toMatchObject({
      path: '/repos/acme/shop',
      auth: 'installation-token',
    });
    expect(data.clone_url).toBe(`${gh.url}/acme/shop.git`);
    expect(data.default_branch).toBe('main');
  });

  it('returns app, installation and repository installation with a JWT', async () => {
    const app = new App({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      Octokit: Sdk.defaults({ baseUrl: gh.url }),
    });
    const { data: me } = await app.octokit.request('GET /app');
    expect(me).toMatchObject({ id: gh.app.id, slug: 'berth-previews' });
    const { data: inst } = await app.octokit.request('GET /repos/{owner}/{repo}/installation', {
      owner: 'acme',
      repo: 'shop',
    });
    expect(inst.id).toBe(gh.installationId);
  });

  it('refuses an app JWT signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const impostor = new App({
      appId: gh.app.id,
      privateKey,
      Octokit: Sdk.defaults({ baseUrl: gh.url }),
    });
    await expect(impostor.octokit.request('GET /app')).rejects.toMatchObject({ status: 401 });
    const installation = await impostor.getInstallationOctokit(gh.installationId);
    await expect(installation.request('GET /repos/acme/shop')).rejects.toMatchObject({
      status: 401,
    });
  });

  it("serves a pull request in GitHub's shape", async () => {
    const { data, headers } = await octokit.rest.pulls.get({
      owner: 'acme',
      repo: 'shop',
      pull_number: pr.number,
    });
    expect(headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/);
    expect(data).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Add cart',
      merged: false,
      draft: false,
      head: { ref: 'feature/cart', sha: pr.headSha, repo: { full_name: 'acme/shop', fork: false } },
      base: { ref: 'main', sha: pr.baseSha },
      labels: [{ name: 'preview:full-stack' }],
      html_url: `${gh.url}/acme/shop/pull/1`,
    });
  });

  it('creates, edits, lists and deletes issue comments with pagination', async () => {
    const created = await octokit.rest.issues.createComment({
      owner: 'acme',
      repo: 'shop',
      issue_number: 1,
      body: 'one',
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('berth-previews[bot]');
    const edited = await octokit.rest.issues.updateComment({
      owner: 'acme',
      repo: 'shop',
      comment_id: created.data.id,
      body: 'edited',
    });
    expect(edited.data.body).toBe('edited');
    for (const body of ['two', 'three']) {
      await octokit.rest.issues.createComment({
        owner: 'acme',
        repo: 'shop',
        issue_number: 1,
        body,
      });
    }
    const first = await octokit.rest.issues.listComments({
      owner: 'acme',
      repo: 'shop',
      issue_number: 1,
      per_page: 2,
    });
    expect(first.data.map((c) => c.body)).toEqual(['edited', 'two']);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: 'acme',
      repo: 'shop',
      issue_number: 1,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(['edited', 'two', 'three']);
    await octokit.rest.issues.deleteComment({
      owner: 'acme',
      repo: 'shop',
      comment_id: created.data.id,
    });
    await expect(
      octokit.rest.issues.getComment({ owner: 'acme', repo: 'shop', comment_id: created.data.id }),
    ).rejects.toMatchObject({ status: 404 });
    expect(gh.comments('acme/shop', 1).map((c) => c.body)).toEqual(['two', 'three']);
  });

  it('rejects a comment without a body with a GitHub 422', async () => {
    const error = await octokit
      // A literal path bypasses the SDK's typed parameters so the body can be left out.
      .request('POST /repos/acme/shop/issues/1/comments', {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HttpError' });
    expect((error as RequestError).status).toBe(422);
    expect((error as RequestError).response?.data).toMatchObject({
      message: 'Validation Failed',
      documentation_url: expect.stringContaining('docs.github.com'),
    });
  });

  it('records commit statuses and computes the combined status', async () => {
    const sha = pr.headSha;
    await octokit.rest.repos.createCommitStatus({
      owner: 'acme',
      repo: 'shop',
      sha,
      state: 'pending',
      context: 'berth/preview',
    });
    await octokit.rest.repos.createCommitStatus({
      owner: 'acme',
      repo: 'shop',
      sha,
      state: 'success',
      context: 'berth/preview',
      target_url: 'http://web-pr-1-shop.localhost',
    });
    const combined = await octokit.rest.repos.getCombinedStatusForRef({
      owner: 'acme',
      repo: 'shop',
      ref: 'feature/cart',
    });
    expect(combined.data).toMatchObject({ state: 'success', sha, total_count: 1 });
    const list = await octokit.rest.repos.listCommitStatusesForRef({
      owner: 'acme',
      repo: 'shop',
      ref: sha,
    });
    expect(list.data.map((s) => s.state)).toEqual(['success', 'pending']);
    await expect(
      octokit.rest.repos.createCommitStatus({
        owner: 'acme',
        repo: 'shop',
        sha: '0'.repeat(40),
        state: 'success',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('creates, completes and lists check runs', async () => {
    const created = await octokit.rest.checks.create({
      owner: 'acme',
      repo: 'shop',
      name: 'Berth preview',
      head_sha: pr.headSha,
      status: 'in_progress',
    });
    expect(created.status).toBe(201);
    const done = await octokit.rest.checks.update({
      owner: 'acme',
      repo: 'shop',
      check_run_id: created.data.id,
      conclusion: 'failure',
      output: { title: 'Migrations failed', summary: 'db exited 1' },
    });
    expect(done.data).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const listed = await octokit.rest.checks.listForRef({
      owner: 'acme',
      repo: 'shop',
      ref: pr.headSha,
    });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.output.title).toBe('Migrations failed');
  });

  it('appends check run annotations per write, refuses more than 50 at once, and lists them', async () => {
    const annotation = (line: number) => ({
      path: 'docker-compose.yml',
      start_line: line,
      end_line: line,
      annotation_level: 'failure' as const,
      message: `problem on line ${line}`,
    });
    const output = (lines: number[]) => ({
      title: 'Spec problems',
      summary: 'see the lines',
      annotations: lines.map(annotation),
    });
    const created = await octokit.rest.checks.create({
      owner: 'acme',
      repo: 'shop',
      name: 'Annotated',
      head_sha: pr.headSha,
      output: output([1, 2]),
    });
    await octokit.rest.checks.update({
      owner: 'acme',
      repo: 'shop',
      check_run_id: created.data.id,
      output: output([3]),
    });
    await expect(
      octokit.rest.checks.update({
        owner: 'acme',
        repo: 'shop',
        check_run_id: created.data.id,
        output: output(Array.from({ length: 51 }, (_, i) => i + 1)),
      }),
    ).rejects.toMatchObject({ status: 422 });
    const run = await octokit.rest.checks.get({
      owner: 'acme',
      repo: 'shop',
      check_run_id: created.data.id,
    });
    expect(run.data.output.annotations_count).toBe(3);
    const listed = await octokit.rest.checks.listAnnotations({
      owner: 'acme',
      repo: 'shop',
      check_run_id: created.data.id,
    });
    expect(listed.data.map((a) => [a.start_line, a.annotation_level])).toEqual([
      [1, 'failure'],
      [2, 'failure'],
      [3, 'failure'],
    ]);
  });

  it('builds the check_run rerequested payload with the pull request of its head', async () => {
    const created = await octokit.rest.checks.create({
      owner: 'acme',
      repo: 'shop',
      name: 'Berth / preview',
      head_sha: pr.headSha,
      external_id: 'berth:1:1',
      conclusion: 'success',
    });
    const run = gh.state.checkRuns.get(created.data.id);
    if (!run) throw new Error('check run not stored');
    const payload = gh.checkRunEvent('rerequested', run) as {
      action: string;
      check_run: {
        id: number;
        external_id: string;
        head_sha: string;
        app: { id: number };
        pull_requests: { number: number; head: { sha: string } }[];
      };
      installation: { id: number };
    };
    expect(payload).toMatchObject({
      action: 'rerequested',
      installation: { id: gh.installationId },
      check_run: {
        id: created.data.id,
        external_id: 'berth:1:1',
        head_sha: pr.headSha,
        app: { id: gh.app.id },
        pull_requests: [{ number: pr.number, head: { sha: pr.headSha } }],
      },
    });
  });

  it('lists labels, follows helper-side label changes', async () => {
    await gh.addLabel(pr, 'db:fresh');
    const { data } = await octokit.rest.issues.listLabelsOnIssue({
      owner: 'acme',
      repo: 'shop',
      issue_number: 1,
    });
    expect(data.map((l) => l.name)).toEqual(['preview:full-stack', 'db:fresh']);
    await gh.removeLabel(pr, 'preview:full-stack');
    const after = await octokit.rest.issues.listLabelsOnIssue({
      owner: 'acme',
      repo: 'shop',
      issue_number: 1,
    });
    expect(after.data.map((l) => l.name)).toEqual(['db:fresh']);
  });

  it('answers 401 to a bad or expired token and 404 to unknown resources', async () => {
    const bogus = new Sdk({ auth: 'ghs_not-a-real-token', baseUrl: gh.url });
    const error = await bogus.rest.pulls
      .get({ owner: 'acme', repo: 'shop', pull_number: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HttpError' });
    expect((error as RequestError).status).toBe(401);
    expect((error as RequestError).response?.data).toMatchObject({ message: 'Bad credentials' });

    const { token } = gh.createInstallationToken();
    const direct = new Sdk({ auth: token, baseUrl: gh.url });
    await expect(
      direct.rest.pulls.get({ owner: 'acme', repo: 'shop', pull_number: 99 }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(direct.rest.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({
      status: 404,
    });
    gh.expireTokens();
    await expect(direct.rest.repos.get({ owner: 'acme', repo: 'shop' })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('injects server errors and rate limits with GitHub headers', async () => {
    const { token } = gh.createInstallationToken();
    const direct = new Sdk({ auth: token, baseUrl: gh.url });
    gh.failNext('GET /repos/:owner/:repo/pulls/:n', 502, 1);
    await expect(
      direct.rest.pulls.get({ owner: 'acme', repo: 'shop', pull_number: 1 }),
    ).rejects.toMatchObject({ status: 502 });
    gh.failNext('/repos/**', 'rate-limit', 1, { retryAfterSeconds: 30 });
    const limited = (await direct.rest.repos
      .get({ owner: 'acme', repo: 'shop' })
      .catch((e: unknown) => e)) as RequestError;
    expect(limited.status).toBe(403);
    expect(limited.response?.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.response?.headers['retry-after']).toBe('30');
    const ok = await direct.rest.repos.get({ owner: 'acme', repo: 'shop' });
    expect(ok.status).toBe(200);
    expect(gh.requests.filter((r) => r.injected)).toHaveLength(2);
  });
});
