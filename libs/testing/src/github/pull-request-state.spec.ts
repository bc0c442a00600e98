// What Berth asks GitHub before trusting an event: the PR's current state (GET …/pulls/:n, the
// same facts the webhooks carry) and a sender's permission. Driven with the official SDK.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@octokit/app';
import type { RequestError } from '@octokit/request-error';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from './emulator.js';
import type { PullRecord } from './types.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const WHOLE_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let gh: GitHubEmulator;
let octokit: Octokit;
let receiver: Server;

beforeAll(async () => {
  // A receiver that accepts everything: the payloads are read from gh.deliveries.
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  gh = await startGitHubEmulator({
    webhook: { url: `http://127.0.0.1:${port}/webhooks/github`, secret: 's' },
  });
  await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  await gh.createRepository({ owner: 'other', name: 'private', installed: false });
  const app = new App({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    Octokit: Octokit.defaults({ baseUrl: gh.url, log: quiet }),
  });
  octokit = (await app.getInstallationOctokit(gh.installationId)) as unknown as Octokit;
});
afterEach(() => gh.useRealTime());
afterAll(async () => {
  await gh.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

async function rest(pr: PullRecord) {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
    owner: 'acme',
    repo: 'shop',
    pull_number: pr.number,
  });
  return data;
}

/** The ordering facts of the last webhook sent, and of GET …/pulls/:n right after it. */
async function lastEventAndRest(pr: PullRecord) {
  const payload = gh.deliveries.at(-1)?.payload as {
    action: string;
    pull_request: { state: string; merged: boolean; updated_at: string; head: { sha: string } };
  };
  const facts = (p: typeof payload.pull_request) => ({
    state: p.state,
    merged: p.merged,
    headSha: p.head.sha,
    updatedAt: p.updated_at,
  });
  return {
    action: payload.action,
    event: facts(payload.pull_request),
    rest: facts(await rest(pr)),
  };
}

describe('pull request state', () => {
  it('answers GET …/pulls/:n with the state, merged, head.sha and updated_at the webhook carried', async () => {
    gh.setTime('2026-12-02T10:00:00Z');
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'state', title: 'State' });
    const steps: [string, () => Promise<unknown>][] = [
      ['opened', async () => undefined],
      ['synchronize', () => gh.pushToPullRequest(pr, { 'a.txt': 'a\n' })],
      ['labeled', () => gh.addLabel(pr, 'ttl:24h')],
      ['unlabeled', () => gh.removeLabel(pr, 'ttl:24h')],
      ['edited', () => gh.editPullRequest(pr, { title: 'State v2' })],
      ['closed', () => gh.closePullRequest(pr)],
      ['reopened', () => gh.reopenPullRequest(pr)],
    ];
    const seen: string[] = [];
    for (const [action, step] of steps) {
      await step();
      const { action: sent, event, rest: now } = await lastEventAndRest(pr);
      expect(sent).toBe(action);
      expect(now).toEqual(event);
      expect(event.updatedAt).toMatch(WHOLE_SECOND);
      expect(event.headSha).toBe(pr.headSha);
      seen.push(event.updatedAt);
      gh.advanceTime(1);
    }
    // Each event moved updated_at on by the one second the clock moved.
    expect(seen).toEqual([
      '2026-12-02T10:00:00Z',
      '2026-12-02T10:00:01Z',
      '2026-12-02T10:00:02Z',
      '2026-12-02T10:00:03Z',
      '2026-12-02T10:00:04Z',
      '2026-12-02T10:00:05Z',
      '2026-12-02T10:00:06Z',
    ]);
  });

  it('gives two events in the same second the same updated_at, like GitHub', async () => {
    gh.setTime('2026-12-02T11:00:00.400Z');
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'same', title: 'Same' });
    const first = await gh.pushToPullRequest(pr, { 'b.txt': '1\n' });
    const one = (await lastEventAndRest(pr)).event;
    gh.advanceTime(0.5); // 11:00:00.900, still the same second
    const second = await gh.pushToPullRequest(pr, { 'b.txt': '2\n' });
    const two = (await lastEventAndRest(pr)).event;
    expect(second).not.toBe(first);
    expect(one).toMatchObject({ headSha: first, updatedAt: '2026-12-02T11:00:00Z' });
    expect(two).toMatchObject({ headSha: second, updatedAt: '2026-12-02T11:00:00Z' });
    expect((await rest(pr)).head.sha).toBe(second);
  });

  it('closes and merges at one instant, and a REST label change also moves updated_at', async () => {
    gh.setTime('2026-12-02T12:00:00Z');
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'merge', title: 'Merge' });
    gh.advanceTime(2);
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner: 'acme',
      repo: 'shop',
      issue_number: pr.number,
      labels: ['db:fresh'],
    });
    expect((await rest(pr)).updated_at).toBe('2026-12-02T12:00:02Z');
    gh.advanceTime(3);
    await gh.closePullRequest(pr, { merged: true });
    const { event, rest: now } = await lastEventAndRest(pr);
    expect(now).toEqual(event);
    expect(event).toEqual({
      state: 'closed',
      merged: true,
      headSha: pr.headSha,
      updatedAt: '2026-12-02T12:00:05Z',
    });
    const data = await rest(pr);
    expect([data.closed_at, data.merged_at]).toEqual([event.updatedAt, event.updatedAt]);
  });

  it('writes whole-second timestamps on the real clock too, never going back', async () => {
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'real', title: 'Real' });
    const stamps = [pr.createdAt, pr.updatedAt];
    await gh.addLabel(pr, 'preview:rebuild');
    stamps.push(pr.updatedAt);
    await gh.removeLabel(pr, 'preview:rebuild');
    stamps.push(pr.updatedAt);
    for (const stamp of stamps) expect(stamp).toMatch(WHOLE_SECOND);
    expect([...stamps].sort()).toEqual(stamps);
  });
});

describe('collaborator permission', () => {
  async function permission(login: string, repo = 'shop', owner = 'acme') {
    const { data } = await octokit.request(
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      { owner, repo, username: login },
    );
    return data;
  }

  it('makes the repository owner admin and any other user none by default', async () => {
    gh.setPermission('acme/shop', 'someone', 'none'); // a user GitHub knows, with no role
    expect(await permission('acme')).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect(await permission('someone')).toMatchObject({ permission: 'none', role_name: 'none' });
    const pr = await gh.openPullRequest({ repo: 'acme/shop', branch: 'x', title: 'X' });
    await gh.addLabel(pr, 'preview:approved', { sender: 'passer-by' });
    expect(await permission('passer-by')).toMatchObject({ permission: 'none', role_name: 'none' });
  });

  it("answers GitHub's shape: legacy permission, role_name and the user with a permissions hash", async () => {
    gh.setPermission('acme/shop', 'maintainer', 'write');
    gh.setPermission('acme/shop', 'Lead', 'maintain');
    gh.setPermission('acme/shop', 'triager', 'triage');
    gh.setPermission('acme/shop', 'reader', 'read');
    const write = await permission('maintainer');
    expect(write).toMatchObject({
      permission: 'write',
      role_name: 'write',
      user: {
        login: 'maintainer',
        type: 'User',
        role_name: 'write',
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      },
    });
    // Logins are case-insensitive; maintain and triage exist only in role_name.
    expect(await permission('lead')).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect(await permission('triager')).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect(await permission('reader')).toMatchObject({ permission: 'read', role_name: 'read' });
  });

  it('is per repository, and can be taken away', async () => {
    await gh.createRepository({ owner: 'acme', name: 'docs' });
    gh.setPermission('acme/shop', 'pat', 'admin');
    expect((await permission('pat', 'docs')).role_name).toBe('none');
    gh.setPermission('acme/shop', 'pat', 'read');
    expect((await permission('pat')).role_name).toBe('read');
  });

  it('answers 404 for an unknown user and for a repository the installation cannot see', async () => {
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: RequestError) => e.status,
      );
    expect(await status(permission('no-such-user-anywhere'))).toBe(404);
    expect(await status(permission('acme', 'private', 'other'))).toBe(404);
  });
});
