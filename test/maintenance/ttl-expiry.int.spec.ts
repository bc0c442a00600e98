// TTL with warnings (issue 11 item 1, decision 0020) through the whole control plane: a PR
// labelled `ttl:1m` gets a warning on its comment (and an `expiring` event on the stream), is
// torn down through the command path (destroyed, its containers gone) while the PR stays open,
// and the comment says it expired and how to bring it back; a push brings it back; an operator's
// extension (POST …/extend, `berth env extend`) moves expiry so the sweep leaves it alone.
// The worker sweeps every second on a Docker host name of its own (the test database and engine
// are shared: its sweep only sees this file's environments).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import {
  ControlPlane,
  httpRequest,
  oneServiceCompose,
  type PullRecord,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { removeByLabel, resourcesOf, uniqueRepoName } from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
const host = `ttl-${randomBytes(3).toString('hex')}`;
let plane: ControlPlane;
let prisma: PrismaClient;
let pr: PullRecord;

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: { worker: { DOCKER_HOST_NAME: host, TTL_SWEEP_INTERVAL_S: '1' } },
  });
  await plane.github.createRepository({
    owner,
    name,
    files: { 'docker-compose.yml': oneServiceCompose() },
  });
}, 120_000);

afterAll(async () => {
  if (pr?.state === 'open') {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await plane?.stop();
  await prisma?.$disconnect();
}, 180_000);

function comment(number: number): string {
  return plane.github.comments(repository, number).at(-1)?.body ?? '';
}

function commentMatching(number: number, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return waitFor(
    `#${number}'s comment to match ${pattern}`,
    async () => (pattern.test(comment(number)) ? comment(number) : undefined),
    timeoutMs,
    250,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\nlast comment:\n${comment(number)}\n${plane.logs()}`);
  });
}

async function row() {
  return prisma.environment.findFirstOrThrow({
    where: { repository: { fullName: repository }, prNumber: pr.number },
  });
}

async function extend(number: number, body: unknown) {
  const res = await httpRequest(
    `${plane.apiUrl}/admin/v1/repositories/${repository}/pulls/${number}/extend`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${plane.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
}

describe('TTL with warnings', { timeout: 600_000 }, () => {
  it('ttl:1m warns on the PR, then expires it: torn down, and the comment says why and how back', async () => {
    pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'quick-look',
      title: 'a quick look',
      labels: ['ttl:1m'],
    });
    const ready = await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 240_000 });
    expect((await resourcesOf(repository, pr.number)).containers.length).toBeGreaterThan(0);

    // The sweep judges the stored start against the real clock, so moving the start 50 s back
    // leaves 10 s of the minute to live through in real time (warning, then expiry) instead of
    // waiting out all of it. 50 s lands inside the warning window (the last 12 s) with 4 s to
    // spare over half the lead (6 s), below which a late sweep would extend the expiry to give
    // the full notice: the next sweep (1 s) warns on time, even on a busy host.
    await prisma.$executeRaw`
      UPDATE environments
      SET created_at = created_at - interval '50 seconds',
          ttl_started_at = ttl_started_at - interval '50 seconds',
          ready_at = ready_at - interval '50 seconds'
      WHERE id = ${ready.id}::uuid`;

    // The warning: 20 % of the TTL (12 s) before expiry, once, on the comment and the stream.
    const warning = await commentMatching(pr.number, /Expires soon/, 90_000);
    expect(warning).toContain('### ✅ Preview ready');
    expect(warning).toMatch(/1m, from the `ttl:` label/);
    expect(warning).toContain(`berth env extend ${repository}#${pr.number} --by 24h`);
    expect(warning).toMatch(/push a commit/);
    const warned = await row();
    expect(warned.state).toBe('ready');
    expect(warned.ttlWarnedFor?.getTime()).toBe(warned.expiresAt?.getTime());
    expect(warned.ttlMs).toBe(60_000);
    const expiring = await prisma.lifecycleEvent.findMany({
      where: { environmentId: ready.id, kind: 'expiring' },
    });
    expect(expiring).toHaveLength(1);

    // The expiry: through the command path (a new generation, teardown), PR still open.
    const gone = await plane.waitForState(repository, pr.number, 'destroyed', {
      timeoutMs: 120_000,
    });
    expect(gone.generation).toBe(ready.generation + 1);
    const expired = await row();
    expect(expired.expiredAt).not.toBeNull();
    expect(expired.closedAt).toBeNull();
    expect(expired.expiredAt!.getTime()).toBeGreaterThanOrEqual(expired.expiresAt!.getTime());
    const resources = await resourcesOf(repository, pr.number);
    expect(resources.containers).toEqual([]);
    expect(resources.networks).toEqual([]);
    const kinds = (
      await prisma.lifecycleEvent.findMany({
        where: { environmentId: ready.id, kind: { in: ['expiring', 'expired', 'destroyed'] } },
        orderBy: { id: 'asc' },
      })
    ).map((e) => e.kind);
    expect(kinds).toEqual(['expiring', 'expired', 'destroyed']);
    const body = await commentMatching(pr.number, /Preview expired[\s\S]*gone/);
    expect(body).toMatch(/Its time to live ran out at .* UTC \(1m, from the `ttl:` label\)/);
    expect(body).toMatch(/To bring it back:\*\* push a commit, or change its labels/);
    expect(body).not.toContain('Expires soon');
    // One sticky comment, edited in place.
    expect(plane.github.comments(repository, pr.number)).toHaveLength(1);
  });

  it('a push brings it back as a new generation; an extension keeps it past its TTL', async () => {
    const before = await row();
    await plane.github.pushToPullRequest(pr, { 'NOTES.md': 'back again\n' });
    const back = await plane.waitForState(repository, pr.number, 'ready', {
      generation: before.generation + 1,
      timeoutMs: 240_000,
    });
    expect(back.headSha).toBe(pr.headSha);
    expect((await resourcesOf(repository, pr.number)).containers.length).toBeGreaterThan(0);
    expect((await row()).expiredAt).toBeNull();
    await commentMatching(pr.number, /### ✅ Preview ready/);
    expect(comment(pr.number)).not.toContain('Preview expired');

    // Bad requests say what is wrong; then an operator extends it by an hour.
    expect((await extend(pr.number, {})).status).toBe(400);
    expect((await extend(pr.number, { by: '30d' })).body['message']).toMatch(/1m to 14d/);
    expect((await extend(9999, { by: '1h' })).status).toBe(404);
    const extended = await extend(pr.number, { by: '1h', requestedBy: 'ops' });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ status: 'extended', by: '1h', pr: pr.number });
    const expiresAt = Date.parse(String(extended.body['expiresAt']));
    const previous = Date.parse(String(extended.body['previousExpiresAt']));
    expect(expiresAt - previous).toBeGreaterThanOrEqual(3_600_000);
    expect(expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const stored = await row();
    expect(stored.ttlExtendedUntil?.getTime()).toBe(expiresAt);
    expect(stored.expiresAt?.getTime()).toBe(expiresAt);

    // Past the label's minute (and its warning window), the sweep leaves it alone. The sweep
    // decides from the stored facts, so the clock's start is moved five minutes back instead of
    // waiting a minute, as the first test does; three sweeps (1 s apart) follow.
    await prisma.$executeRaw`
      UPDATE environments
      SET created_at = created_at - interval '5 minutes',
          ttl_started_at = ttl_started_at - interval '5 minutes',
          ready_at = ready_at - interval '5 minutes'
      WHERE id = ${stored.id}::uuid`;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const still = await row();
    expect(still.state).toBe('ready');
    expect(still.generation).toBe(back.generation);
    expect(still.ttlWarnedFor?.getTime() ?? 0).not.toBe(expiresAt);
    expect(comment(pr.number)).not.toContain('Expires soon');
  });

  it('refuses to extend a closed preview, with the reason', async () => {
    await plane.github.closePullRequest(pr, { merged: false });
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 });
    const refused = await extend(pr.number, { by: '1h' });
    expect(refused.status).toBe(409);
    expect(refused.body['message']).toMatch(/the pull request is closed/);
  });
});
