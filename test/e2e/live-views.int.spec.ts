// The REST API's live views (issue 12 item 1, decision 0030) through the whole control plane on
// the real engine: the change feed over SSE shows a preview of the shop from building to ready
// (and resumes with Last-Event-ID); a service's log is tailed and followed through Redis from
// the worker, with secret values redacted; a client that goes away releases the worker's
// follow; stage history and build logs; a token of another repository sees none of it.
import { fileURLToPath } from 'node:url';
import { logActiveKey, logStreamChannel } from '@berth/queue';
import { ControlPlane, httpRequest, type PullRecord, waitFor } from '@berth/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  composeVariablesFile,
  execIn,
  removeByLabel,
  serviceContainer,
  uniqueRepoName,
} from './preview-session.js';
import { SseClient } from './sse-client.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
let plane: ControlPlane;
let redis: Redis;
let pr: PullRecord | undefined;
let otherToken: string;
let environmentId: string;
const clients: SseClient[] = [];

interface FeedEnvironment {
  id: string;
  repository: string;
  prNumber: number;
  state: string;
  generation: number;
  stages: { stage: string; status: string }[];
}
interface LogLine {
  service: string;
  stream: string;
  time: string;
  line: string;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function open(path: string, token: string, headers: Record<string, string> = {}) {
  const client = await SseClient.open(`${plane.apiUrl}${path}`, { ...auth(token), ...headers });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  redis = new Redis(redisUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    composeVariablesFile: composeVariablesFile(root),
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: { api: { SSE_HEARTBEAT_S: '1' } },
  });
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
  // A read token of another repository: it must learn nothing about this one.
  const created = await httpRequest(`${plane.apiUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...auth(plane.adminToken), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'other-repo-reader', scope: 'read', repository: 'other/*' }),
  });
  expect(created.status, created.body).toBe(201);
  otherToken = (JSON.parse(created.body) as { token: string }).token;
}, 180_000);

afterAll(async () => {
  for (const client of clients) client.close();
  if (pr?.state === 'open') {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`).catch(() => undefined);
  await plane?.stop();
  redis?.disconnect();
}, 300_000);

describe('live feed, logs, stage history and build logs (REST v1)', { timeout: 600_000 }, () => {
  it('the change feed shows the preview going from building to ready, and resumes after an id', async () => {
    const feed = await open(`/api/v1/environments/events?repository=${repository}`, plane.apiToken);
    expect(feed.status, feed.body).toBe(200);
    expect(feed.contentType).toMatch(/^text\/event-stream/);
    const stranger = await open('/api/v1/environments/events', otherToken);
    expect(stranger.status).toBe(200);

    pr = await plane.github.openPullRequest({ repo: repository, branch: 'feat/live', title: 'x' });
    const number = pr.number;
    const ours = () =>
      feed.data<FeedEnvironment>('environment').filter((e) => e.prNumber === number);
    await waitFor(
      'a ready environment on the feed',
      async () => ours().find((e) => e.state === 'ready'),
      300_000,
      200,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${JSON.stringify(ours())}\n${plane.logs(80)}`);
    });
    const states = ours().map((e) => e.state);
    expect(states).toContain('building');
    expect(states.indexOf('building')).toBeLessThan(states.indexOf('ready'));
    const ready = ours().find((e) => e.state === 'ready')!;
    environmentId = ready.id;
    expect(ready.repository).toBe(repository);
    expect(ready.stages.map((s) => s.stage)).toEqual(['build', 'wire', 'replicate', 'expose']);
    // The same JSON as GET /environments/:id.
    const detail = await httpRequest(`${plane.apiUrl}/api/v1/environments/${ready.id}`, {
      headers: auth(plane.apiToken),
    });
    expect(Object.keys(JSON.parse(detail.body) as object).sort()).toEqual(
      Object.keys(ready).sort(),
    );
    // Idle stretches carry heartbeats; every event has an id to resume after.
    expect(feed.comments).toContain('heartbeat');
    const ids = feed.events.map((e) => e.id);
    expect(ids.every((id) => id !== undefined && /^\d+-\d+$/.test(id))).toBe(true);

    // Reconnecting after the first event replays the ones after it, in order, none twice.
    const resumed = await open(
      `/api/v1/environments/events?repository=${repository}`,
      plane.apiToken,
      {
        'last-event-id': ids[0]!,
      },
    );
    await waitFor(
      'the replayed events',
      async () => resumed.events.length >= ids.length - 1 || undefined,
      30_000,
      100,
    );
    expect(resumed.events.slice(0, ids.length - 1).map((e) => e.id)).toEqual(ids.slice(1));

    // A token of another repository saw nothing of it.
    expect(
      stranger.data<FeedEnvironment>('environment').filter((e) => e.repository === repository),
    ).toEqual([]);
  });

  it("tails the shop api's real log lines, then ends", async () => {
    expect(environmentId).toBeDefined();
    const tail = await open(
      `/api/v1/environments/${environmentId}/logs?service=api&tail=200&follow=false`,
      plane.apiToken,
    );
    expect(tail.status, tail.body).toBe(200);
    await waitFor('the end of the tail', async () => tail.data('end')[0], 30_000, 100);
    const lines = tail.data<LogLine>('log');
    const listening = lines.find((l) => l.line.includes('"msg":"listening"'));
    expect(listening).toMatchObject({ service: 'api', stream: 'stdout' });
    expect(Number.isNaN(Date.parse(listening!.time))).toBe(false);
    expect(tail.data<{ reason: string }>('end')).toEqual([{ reason: 'the tail was sent' }]);
    await waitFor(
      'the server to close the stream',
      async () => tail.ended || undefined,
      10_000,
      50,
    );
  });

  it('follows new lines with secret values redacted; a client that leaves releases the worker', async () => {
    const api = await serviceContainer(repository, pr!.number, 'api');
    const inspected = await new (await import('dockerode')).default()
      .getContainer(api.Id)
      .inspect();
    const databaseUrl = inspected.Config.Env.find((e) => e.startsWith('DATABASE_URL='))!;
    const password = decodeURIComponent(new URL(databaseUrl.slice(13)).password);
    expect(password.length).toBeGreaterThan(8);

    const follow = await open(
      `/api/v1/environments/${environmentId}/logs?service=api&tail=0&follow=true`,
      plane.apiToken,
    );
    expect(follow.status, follow.body).toBe(200);
    const active = logActiveKey(plane.queuePrefix);
    const [requestId] = await waitFor(
      'the worker to stream the request',
      async () => {
        const keys = await redis.hkeys(active);
        return keys.length ? keys : undefined;
      },
      30_000,
      50,
    );
    // Docker attached to the log: a line written from now on is followed.
    await waitFor(
      'the worker to attach',
      async () => follow.comments.includes('started') || undefined,
      30_000,
      50,
    );
    // Written by the service after the request: PID 1's stdout is the container's log.
    const marker = `live-view-${Date.now()}`;
    await execIn(api.Id, [
      'sh',
      '-c',
      `echo "${marker} connecting with ${password}" > /proc/1/fd/1`,
    ]);
    const line = await waitFor(
      'the followed line',
      async () => follow.data<LogLine>('log').find((l) => l.line.startsWith(marker)),
      30_000,
      50,
    );
    expect(line.line).not.toContain(password);
    expect(line.line).toBe(`${marker} connecting with ***`);
    expect(line).toMatchObject({ service: 'api', stream: 'stdout' });
    expect(JSON.stringify(follow.events)).not.toContain(password);

    // The client goes away: the api unsubscribes and the worker's follow ends.
    const channel = logStreamChannel(plane.queuePrefix, requestId!);
    const subscribers = async () =>
      ((await redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1];
    expect(await subscribers()).toBe(1);
    follow.close();
    await waitFor(
      'the worker to stop following',
      async () => ((await redis.hexists(active, requestId!)) === 0 ? true : undefined),
      30_000,
      100,
    );
    expect(await subscribers()).toBe(0);
  });

  it('answers stage history and build logs, redacted', async () => {
    const stages = await httpRequest(
      `${plane.apiUrl}/api/v1/environments/${environmentId}/stages`,
      {
        headers: auth(plane.apiToken),
      },
    );
    expect(stages.status, stages.body).toBe(200);
    const history = JSON.parse(stages.body) as {
      generations: {
        generation: number;
        stages: { stage: string; status: string; durationMs: number }[];
      }[];
    };
    const [current] = history.generations;
    expect(current?.stages.map((s) => `${s.stage}:${s.status}`)).toEqual([
      'build:succeeded',
      'wire:succeeded',
      'replicate:succeeded',
      'expose:succeeded',
    ]);
    expect(current?.stages.every((s) => s.durationMs >= 0)).toBe(true);

    const log = await httpRequest(
      `${plane.apiUrl}/api/v1/environments/${environmentId}/build-log?generation=${current!.generation}`,
      { headers: auth(plane.apiToken) },
    );
    expect(log.status, log.body).toBe(200);
    const body = JSON.parse(log.body) as {
      generation: number;
      services: { service: string; succeeded: boolean; lines: string[] }[];
    };
    // A new repository's images are built, not reused: every built service has its output.
    expect(body.services.map((s) => s.service)).toEqual(
      expect.arrayContaining(['api', 'web', 'worker']),
    );
    for (const service of body.services) {
      expect(service.succeeded).toBe(true);
      expect(service.lines.length).toBeGreaterThan(0);
    }
    const text = await httpRequest(
      `${plane.apiUrl}/api/v1/environments/${environmentId}/build-log?format=text`,
      { headers: auth(plane.apiToken) },
    );
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.body).toContain('=== api (built) ===');
  });

  it('an unknown service is a 404 naming query.service; another repository’s token gets 404s', async () => {
    const unknown = await httpRequest(
      `${plane.apiUrl}/api/v1/environments/${environmentId}/logs?service=nope`,
      { headers: auth(plane.apiToken) },
    );
    expect(unknown.status).toBe(404);
    const problem = JSON.parse(unknown.body) as { errors: { field: string; message: string }[] };
    expect(problem.errors[0]?.field).toBe('query.service');
    expect(problem.errors[0]?.message).toContain('api');
    expect(problem.errors[0]?.message).toContain('web');

    for (const path of ['logs?service=api', 'stages', 'build-log']) {
      const refused = await httpRequest(
        `${plane.apiUrl}/api/v1/environments/${environmentId}/${path}`,
        { headers: auth(otherToken) },
      );
      expect(refused.status, path).toBe(404);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
