// The `maintenance` suite's wake half (issue 11 §5, decision 0024): the shop through the whole
// control plane, put to sleep by an operator (`POST …/sleep`: every container stopped), then
// opened like a reviewer would through the gateway: from the first request until the first 200
// of the web page. The gateway holds a request while the preview wakes (WAKE_HOLD_MS), so a
// quick wake answers the first request itself; otherwise the "waking up" page is fetched again
// every 250 ms, as its reload would. BENCH_WAKE_ROUNDS rounds (default 3). Prints:
//   wake_s           the median round, sleep → first 200 through the gateway (target ≤ 5 s)
//   wake_rounds_s    every round
//   wake_worker_s    the worker's own time per round (containers started and ready)
//   wake_ready_ms    the last round's per-service readiness, ms from the wake's start
import { randomBytes } from 'node:crypto';
import { SHARE_TOKEN_PARAM, shareLink } from '@berth/core';
import { closeRedis, createRedis, createSleepQueue } from '@berth/queue';
import { ControlPlane, httpRequest } from '@berth/testing';
import Docker from 'dockerode';

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function wakeBench(root: string, log: (line: string) => void) {
  const rounds = Math.max(1, Math.round(Number(process.env['BENCH_WAKE_ROUNDS'] ?? 3)));
  const docker = new Docker();
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const plane = await ControlPlane.start({
    root,
    databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
    redisUrl,
    composeVariablesFile: `${root}scripts/bootstrap/images.env`,
    logLevel: 'warn',
  });
  const name = `wakebench${randomBytes(3).toString('hex')}`;
  const repository = `acme/${name}`;
  const admin = (path: string) =>
    httpRequest(`${plane.apiUrl}/admin/v1/repositories/${repository}/pulls/1/${path}?wait=120`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plane.adminToken}` },
      timeoutMs: 130_000,
    });
  try {
    await plane.github.createRepository({
      owner: 'acme',
      name,
      fromDirectory: `${root}examples/shop`,
    });
    const pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'wake',
      title: 'wake',
    });
    log('wake: waiting for the shop preview');
    const env = await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 900_000 });
    const webUrl = env.urls?.['web'];
    if (!webUrl) throw new Error(`no web URL: ${JSON.stringify(env.urls)}`);
    // A reviewer's browser: a share link exchanged once for the preview's cookie.
    const { links } = await plane.mintShareLink(repository, pr.number, { note: 'wake bench' });
    const token = new URL(Object.values(links)[0] ?? '').searchParams.get(SHARE_TOKEN_PARAM) ?? '';
    const exchanged = await plane.viaGateway(shareLink(webUrl, token));
    const cookie = [exchanged.headers['set-cookie'] ?? []].flat()[0]?.split(';')[0] ?? '';
    const open = () => plane.viaGateway(webUrl, { headers: { cookie, accept: 'text/html' } });
    if ((await open()).status !== 200) throw new Error('the shop does not answer before sleeping');

    const samples: number[] = [];
    const worker: number[] = [];
    let readyMs: unknown;
    for (let i = 1; i <= rounds; i++) {
      const sleptAt = Date.now();
      const slept = await admin('sleep');
      if (slept.status !== 200) throw new Error(`sleep: ${slept.status} ${slept.body}`);
      const running = await docker.listContainers({
        filters: { label: [`berth.repo=${repository}`], status: ['running'] },
      });
      if (running.length > 0) throw new Error(`still running after sleep: ${running.length}`);
      const started = performance.now();
      for (;;) {
        const res = await open();
        if (res.status === 200) break;
        if (res.status !== 503) throw new Error(`while waking: ${res.status} ${res.body}`);
        if (performance.now() - started > 120_000) throw new Error('not awake after 120 s');
        await new Promise((r) => setTimeout(r, 250));
      }
      const seconds = (performance.now() - started) / 1000;
      samples.push(round(seconds));
      const detail = await roundWake(plane, redisUrl, sleptAt);
      worker.push(detail.seconds);
      readyMs = detail.readyMs;
      log(`wake: round ${i}: first 200 after ${seconds.toFixed(2)} s`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    await plane.github.closePullRequest(pr, { merged: false });
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 300_000 });
    return {
      wake_s: sorted[Math.floor(sorted.length / 2)],
      wake_rounds_s: samples,
      wake_worker_s: worker,
      wake_ready_ms: readyMs,
    };
  } finally {
    await plane.stop();
    for (const c of await docker.listContainers({
      all: true,
      filters: { label: [`berth.repo=${repository}`] },
    })) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
  }
}

/**
 * The worker's own account of the round's wake: the answer of the wake job asked for since
 * `since` (its completion may land a moment after the gateway's 200).
 */
async function roundWake(plane: ControlPlane, redisUrl: string, since: number) {
  const redis = createRedis(redisUrl, 'wake-bench');
  const queue = createSleepQueue(redis, plane.queuePrefix, 'local');
  try {
    for (let i = 0; i < 100; i++) {
      const jobs = await queue.getJobs(['completed'], 0, 200);
      const found = jobs
        .filter((job) => job.name === 'wake' && job.timestamp >= since)
        .map((job) => job.returnvalue as { status?: string; ms?: number; readyMs?: unknown })
        .find((result) => result?.status === 'woken');
      if (found) return { seconds: round((found.ms ?? Number.NaN) / 1000), readyMs: found.readyMs };
      await new Promise((r) => setTimeout(r, 100));
    }
    return { seconds: Number.NaN, readyMs: undefined };
  } finally {
    await queue.close();
    await closeRedis(redis);
  }
}
