// The emulator's side of PR chat-ops (decision 0026): a person's comment sends `issue_comment`
// `created` as GitHub shapes it, and the App reacts through the real reactions endpoint.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@octokit/app';
import type { RequestError } from '@octokit/request-error';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from './emulator.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
let gh: GitHubEmulator;
let octokit: Octokit;
let receiver: Server;
const received: { event: string; delivery: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received.push({
      event: String(req.headers['x-github-event']),
      delivery: String(req.headers['x-github-delivery']),
    });
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  gh = await startGitHubEmulator({
    webhook: { url: `http://127.0.0.1:${port}/webhooks/github`, secret: 's' },
  });
  await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  const app = new App({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    Octokit: Octokit.defaults({ baseUrl: gh.url, log: quiet }),
  });
  octokit = (await app.getInstallationOctokit(gh.installationId)) as unknown as Octokit;
});
afterAll(async () => {
  await gh.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('issue comments and reactions', () => {
  it('sends issue_comment created with the pull request, comment and sender as GitHub does', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'c', title: 'C' });
    const { comment, sent } = gh.commentOnPullRequest('acme/shop', pr.number, '/berth status', {
      author: 'alice',
    });
    const delivery = await sent;
    expect(delivery).toMatchObject({ event: 'issue_comment', action: 'created' });
    expect(delivery?.payload).toMatchObject({
      action: 'created',
      issue: { number: pr.number, pull_request: { url: expect.stringContaining('/pulls/') } },
      comment: { id: comment.id, body: '/berth status', user: { login: 'alice', type: 'User' } },
      repository: { full_name: 'acme/shop' },
      installation: { id: gh.installationId },
      sender: { login: 'alice' },
    });
    const bot = gh.commentOnPullRequest('acme/shop', pr.number, 'hi', {
      author: 'other[bot]',
      bot: true,
    });
    expect((await bot.sent)?.payload).toMatchObject({ comment: { user: { type: 'Bot' } } });
  });

  it('redelivers with the same delivery id', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'r', title: 'R' });
    const first = await gh.commentOnPullRequest('acme/shop', pr.number, '/berth link').sent;
    const again = await gh.redeliver(first!);
    expect(again?.deliveryId).toBe(first?.deliveryId);
    expect(received.filter((r) => r.delivery === first?.deliveryId)).toHaveLength(2);
  });

  it('answers POST …/reactions 201 once, then 200 with the same reaction; refuses bad content', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'x', title: 'X' });
    const { comment } = gh.commentOnPullRequest('acme/shop', pr.number, '/berth destroy');
    const react = (content: 'eyes' | 'confused') =>
      octokit.rest.reactions.createForIssueComment({
        owner: 'acme',
        repo: 'shop',
        comment_id: comment.id,
        content,
      });
    const created = await react('eyes');
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ content: 'eyes', user: { type: 'Bot' } });
    const repeated = await react('eyes');
    expect(repeated.status).toBe(200);
    expect(repeated.data.id).toBe(created.data.id);
    expect(gh.reactions(comment.id).map((r) => r.content)).toEqual(['eyes']);
    const refused = await octokit
      .request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        owner: 'acme',
        repo: 'shop',
        comment_id: comment.id,
        content: 'thumbsup' as 'eyes',
      })
      .catch((error: RequestError) => error);
    expect((refused as RequestError).status).toBe(422);
    const missing = await octokit.rest.reactions
      .createForIssueComment({ owner: 'acme', repo: 'shop', comment_id: 999_999, content: 'eyes' })
      .catch((error: RequestError) => error);
    expect((missing as RequestError).status).toBe(404);
  });
});
