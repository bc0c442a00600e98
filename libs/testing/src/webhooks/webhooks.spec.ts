// The sender's output must satisfy the official receiver (@octokit/webhooks) and nothing else:
// correct signatures verify, forged ones and broken JSON don't.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks, type EmitterWebhookEvent } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../github/emulator.js';
import { pingPayload } from './payloads.js';
import { sendWebhook } from './send.js';
import { signWebhookBody } from './signature.js';

const secret = 'It is a secret to everybody';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

describe('webhook sender', () => {
  let receiver: Server;
  let url: string;
  let gh: GitHubEmulator;
  const received: Received[] = [];
  const events: EmitterWebhookEvent[] = [];
  const webhooks = new Webhooks({ secret });
  webhooks.onAny((event) => {
    events.push(event);
  });

  beforeAll(async () => {
    // A receiver built on the official library, the way Berth's API verifies deliveries.
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: req.headers, raw });
        if (!req.headers['x-hub-signature-256']) {
          res.writeHead(401).end('{"error":"unsigned"}');
          return;
        }
        webhooks
          .verifyAndReceive({
            id: String(req.headers['x-github-delivery']),
            name: String(req.headers['x-github-event']),
            payload: raw,
            signature: String(req.headers['x-hub-signature-256'] ?? ''),
          })
          .then(() => res.writeHead(202).end('{"ok":true}'))
          .catch((error: Error) => {
            const status = /signature does not match/i.test(error.message) ? 401 : 400;
            res
              .writeHead(status, { 'content-type': 'application/json' })
              .end(JSON.stringify({ error: error.message }));
          });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/github`;
    gh = await startGitHubEmulator({ webhook: { url, secret } });
    await gh.createRepository({ owner: 'acme', name: 'shop', files: { 'README.md': '# shop\n' } });
  });
  afterAll(async () => {
    await gh.stop();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('signs the exact body so @octokit/webhooks verifies it, and a forgery fails', async () => {
    const body = JSON.stringify({ zen: 'Design for failure.' });
    const signature = signWebhookBody(secret, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await webhooks.verify(body, signature)).toBe(true);
    expect(await webhooks.verify(body, signWebhookBody('wrong secret', body))).toBe(false);
    expect(await webhooks.verify(`${body} `, signature)).toBe(false);
  });

  it('delivers the whole PR lifecycle with GitHub headers and payload shapes', async () => {
    received.length = 0;
    events.length = 0;
    const pr = await gh.openPullRequest({
      repo: 'acme/shop',
      branch: 'feat',
      title: 'Feat',
      labels: ['preview:full-stack'],
    });
    await gh.addLabel(pr, 'db:fresh', { sender: 'maintainer' });
    const before = pr.headSha;
    const after = await gh.pushToPullRequest(pr, { 'x.txt': 'x\n' });
    await gh.removeLabel(pr, 'db:fresh');
    await gh.editPullRequest(pr, { title: 'Feat v2' });
    await gh.closePullRequest(pr);
    await gh.reopenPullRequest(pr);

    expect(gh.deliveries.map((d) => [d.action, d.response?.status])).toEqual([
      ['opened', 202],
      ['labeled', 202],
      ['synchronize', 202],
      ['unlabeled', 202],
      ['edited', 202],
      ['closed', 202],
      ['reopened', 202],
    ]);
    const headers = received[0]?.headers ?? {};
    expect(headers['x-github-event']).toBe('pull_request');
    expect(headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(headers['content-type']).toBe('application/json');

    const payloads = events.map((e) => e.payload as Record<string, unknown>);
    expect(payloads[0]).toMatchObject({
      action: 'opened',
      number: pr.number,
      pull_request: {
        number: pr.number,
        head: { ref: 'feat', sha: before },
        labels: [{ name: 'preview:full-stack' }],
      },
      repository: { full_name: 'acme/shop' },
      installation: { id: gh.installationId },
      sender: { login: 'octocat' },
    });
    expect(payloads[1]).toMatchObject({
      action: 'labeled',
      label: { name: 'db:fresh' },
      sender: { login: 'maintainer' },
    });
    expect(payloads[2]).toMatchObject({
      action: 'synchronize',
      before,
      after,
      pull_request: { head: { sha: after } },
    });
    expect(payloads[3]).toMatchObject({ action: 'unlabeled', label: { name: 'db:fresh' } });
    expect(payloads[4]).toMatchObject({
      action: 'edited',
      changes: { title: { from: 'Feat' } },
      pull_request: { title: 'Feat v2' },
    });
    expect(payloads[5]).toMatchObject({
      action: 'closed',
      pull_request: { state: 'closed', merged: false },
    });
  });

  it('sends ping and unknown events', async () => {
    const ping = await sendWebhook({
      url,
      secret,
      event: 'ping',
      payload: pingPayload({ appId: gh.app.id, url }),
    });
    expect(ping.status).toBe(202);
    const unknown = await sendWebhook({
      url,
      secret,
      event: 'berth_unknown_event',
      payload: { action: 'whatever' },
    });
    expect(received.at(-1)?.headers['x-github-event']).toBe('berth_unknown_event');
    expect(unknown.deliveryId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('lets tests forge signatures, drop them, and send malformed JSON', async () => {
    const forged = await sendWebhook({
      url,
      event: 'ping',
      payload: {},
      signature: `sha256=${'0'.repeat(64)}`,
    });
    expect(forged.status).toBe(401);
    const unsigned = await sendWebhook({ url, event: 'ping', payload: {} });
    expect(received.at(-1)?.headers['x-hub-signature-256']).toBeUndefined();
    expect(unsigned.status).toBe(401);
    const broken = await sendWebhook({
      url,
      secret,
      event: 'pull_request',
      rawBody: '{"action": "opened",',
      deliveryId: 'fixed-id',
    });
    expect(received.at(-1)).toMatchObject({ raw: '{"action": "opened",' });
    expect(received.at(-1)?.headers['x-github-delivery']).toBe('fixed-id');
    expect(broken.status).toBe(400);
  });
});
