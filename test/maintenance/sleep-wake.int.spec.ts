// Sleep and wake (issue 11 item 5, decision 0024) through the whole control plane, on the shop:
// `berth env sleep` stops its containers (Docker says so; volumes and network stay, and the
// reconciler owns them), a request without access does not wake it, the first authorised request
// through the gateway does and gets the shop's page; the idle policy puts it to sleep again once
// its clock is moved back two hours (no real waiting), and closing the PR tears the sleeping
// preview down. The worker sweeps every second on a Docker host name of its own (the database
// and the engine are shared: its sweep sees only this file's environment). Its /metrics then
// shows those sleeps and the wake, the TTL sweeps it ran meanwhile, and the disk its cost
// sampler's disk pass measured.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPrismaClient, type PrismaClient, ReconcileQueries } from '@berth/db';
import { Reconciler } from '@berth/lifecycle';
import { DockerContainerHost } from '@berth/providers';
import { closeRedis, createRedis, createSleepQueue } from '@berth/queue';
import { pino } from 'pino';
import { ControlPlane, httpRequest, type PullRecord, waitFor } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  commentMatching,
  composeVariablesFile,
  envUrl,
  PreviewBrowser,
  removeByLabel,
  resourcesOf,
  uniqueRepoName,
} from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/apps/cli/src/main.js', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
const host = `sleep-${randomBytes(3).toString('hex')}`;
let plane: ControlPlane;
let prisma: PrismaClient;
let pr: PullRecord;
let webUrl: string;
/** When the preview first became ready (s): its checkout, images and volumes exist by then. */
let builtAtS: number;

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    composeVariablesFile: composeVariablesFile(root),
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: {
      worker: {
        DOCKER_HOST_NAME: host,
        IDLE_SLEEP_HOURS: '1',
        SLEEP_SWEEP_INTERVAL_S: '1',
        // For the metrics: TTL sweeps (the 72 h default: nothing expires) and cost passes,
        // whose disk pass (`docker system df`, the shortest interval allowed) feeds berth_disk_bytes.
        TTL_SWEEP_INTERVAL_S: '1',
        COST_SAMPLE_INTERVAL_S: '5',
        COST_DISK_INTERVAL_S: '60',
      },
    },
  });
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
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

const row = () =>
  prisma.environment.findFirstOrThrow({
    where: { repository: { fullName: repository }, prNumber: pr.number },
  });

const events = async (kind: string) =>
  prisma.lifecycleEvent.findMany({
    where: { environmentId: (await row()).id, kind },
    orderBy: { id: 'asc' },
  });

/** The environment's containers as Docker sees them: name → running or not. */
async function running(): Promise<Record<string, boolean>> {
  const { containers } = await resourcesOf(repository, pr.number);
  return Object.fromEntries(containers.map((c) => [c.Names[0] ?? c.Id, c.State === 'running']));
}

/** `berth env …` as an operator runs it (the built CLI against the plane's api). */
async function berth(...args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('node', [CLI, ...args], {
      env: { ...process.env, BERTH_API_URL: plane.apiUrl, BERTH_ADMIN_TOKEN: plane.adminToken },
    });
    return stdout;
  } catch (error) {
    // The CLI's own words say why it failed; execFile's message leaves them out.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`berth ${args.join(' ')} failed:\n${stderr}${stdout}`, { cause: error });
  }
}

describe('sleep and wake', { timeout: 300_000 }, () => {
  it('`berth env sleep` stops the containers and keeps the rest; twice is once', async () => {
    pr = await plane.github.openPullRequest({ repo: repository, branch: 'nap', title: 'a nap' });
    const ready = await plane.waitForState(repository, pr.number, 'ready', { timeoutMs: 240_000 });
    webUrl = envUrl(ready, 'web');
    // A new worker, as after a deploy: its first cost pass measures the disk now that the
    // preview is built (the next would come COST_DISK_INTERVAL_S, at least 60 s, later).
    builtAtS = Math.floor(Date.now() / 1000);
    const restart = performance.now();
    await plane.restart('worker');
    console.info(`[sleep-wake] worker restarted in ${Math.round(performance.now() - restart)} ms`);
    const before = await resourcesOf(repository, pr.number);
    const long = Object.values(await running()).filter(Boolean).length;
    expect(long).toBeGreaterThanOrEqual(5); // web, api, worker, db, redis (migrate exited)

    expect(await berth('env', 'sleep', `${repository}#${pr.number}`)).toMatch(
      /is asleep: [1-9]\d* container\(s\) stopped, data kept/,
    );
    expect(Object.values(await running()).some(Boolean)).toBe(false);
    const after = await resourcesOf(repository, pr.number);
    expect(after.containers.map((c) => c.Id).sort()).toEqual(
      before.containers.map((c) => c.Id).sort(),
    );
    expect(after.volumes.map((v) => v.Name).sort()).toEqual(
      before.volumes.map((v) => v.Name).sort(),
    );
    expect(after.networks.map((n) => n.Id).sort()).toEqual(before.networks.map((n) => n.Id).sort());
    const asleep = await row();
    expect(asleep.state).toBe('ready');
    expect(asleep.sleptAt).toBeInstanceOf(Date);

    // Again, through the REST route: nothing new happens.
    const again = await httpRequest(
      `${plane.apiUrl}/admin/v1/repositories/${repository}/pulls/${pr.number}/sleep`,
      { method: 'POST', headers: { authorization: `Bearer ${plane.adminToken}` } },
    );
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({
      status: 'asleep',
      detail: 'it was asleep already',
    });
    // And through the CLI (REST API v1) as JSON: the containers it stopped are named.
    const cliAgain = JSON.parse(
      await berth('env', 'sleep', `${repository}#${pr.number}`, '--json'),
    ) as { status: string; detail?: string; containers?: string[] };
    expect(cliAgain).toMatchObject({ status: 'asleep', detail: 'it was asleep already' });
    expect(cliAgain.containers?.length).toBeGreaterThanOrEqual(long);
    expect((await row()).sleptAt?.getTime()).toBe(asleep.sleptAt?.getTime());
    expect(await events('asleep')).toHaveLength(1);
    const comment = await commentMatching(plane, repository, pr.number, /Preview asleep/);
    expect(comment).toContain('**Opening any of its URLs wakes it**');

    // The reconciler (decision 0018), scoped to this repository and with a one-second grace so
    // our young objects are judged by owner: a sleeping preview's stopped containers are owned.
    const reconciler = new Reconciler({
      host: new DockerContainerHost(),
      queries: new ReconcileQueries(prisma, host),
      graceMs: 1_000,
      scope: { 'berth.repo': repository },
      logger: pino({ level: 'silent' }),
    });
    const dry = await reconciler.dryRun();
    expect(dry.removals).toEqual([]);
    expect(dry.staleRows).toEqual([]);
    const subnets = await prisma.resource.count({
      where: { environmentId: asleep.id, kind: 'subnet', state: { not: 'deleted' } },
    });
    expect(dry.kept.live).toBe(
      after.containers.length + after.volumes.length + after.networks.length + subnets,
    );
  });

  it('a request without access never wakes it; the first authorised one does, and gets the shop', async () => {
    const anonymous = await plane.viaGateway(webUrl, { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(401);
    // Refused before the gateway looks at sleep: no wake was even asked for.
    const redis = createRedis(testServices().redisUrl, 'sleep-wake-spec');
    const queue = createSleepQueue(redis, plane.queuePrefix, host);
    try {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
      expect(jobs.filter((job) => job.name === 'wake')).toEqual([]);
    } finally {
      await queue.close();
      await closeRedis(redis);
    }
    expect(Object.values(await running()).some(Boolean)).toBe(false);
    expect((await row()).sleptAt).not.toBeNull();

    // A reviewer opens it: held while it wakes, or "waking up" until it is back; then the page.
    const browser = new PreviewBrowser(plane, { prNumber: pr.number, repository });
    const started = performance.now();
    const page = await waitFor(
      'the shop to answer 200 through the gateway',
      async () => {
        const res = await browser.request(webUrl, { headers: { accept: 'text/html' } });
        if (res.status === 200) return res;
        expect(res.status).toBe(503);
        expect(res.headers['x-berth-gateway']).toBe('waking');
        return undefined;
      },
      60_000,
      250,
    );
    console.info(
      `[sleep-wake] first 200 ${Math.round(performance.now() - started)} ms after the first request`,
    );
    expect(page.body).toContain('shop-config');
    const awake = await row();
    expect(awake.sleptAt).toBeNull();
    expect(awake.wokeAt).toBeInstanceOf(Date);
    expect(Object.values(await running()).filter(Boolean).length).toBeGreaterThanOrEqual(5);
    const woke = await events('awake');
    expect(woke).toHaveLength(1);
    expect(woke[0]?.detail).toMatch(/^woken by gateway in \d+\.\d s$/);
    await waitFor(
      'the access to be counted',
      async () => ((await row()).accessCount > 0 ? true : undefined),
      10_000,
      100,
    );
    await commentMatching(plane, repository, pr.number, /### ✅ Preview ready/);
  });

  it('the idle policy puts it to sleep once nobody opened it for an hour (clock moved back)', async () => {
    const awake = await row();
    // The sweep decides from the stored facts: two hours back instead of waiting one.
    await prisma.$executeRaw`
      UPDATE environments
      SET ready_at = ready_at - interval '2 hours', woke_at = woke_at - interval '2 hours',
          last_access_at = last_access_at - interval '2 hours'
      WHERE id = ${awake.id}::uuid`;
    const slept = await waitFor(
      'the idle sweep to put it to sleep',
      async () => ((await row()).sleptAt ? row() : undefined),
      30_000,
      250,
    );
    expect(slept.state).toBe('ready');
    const asleep = await events('asleep');
    expect(asleep).toHaveLength(2);
    expect(asleep[1]?.detail).toBe(
      'put to sleep by idle: nobody opened it for 1h or more (the idle policy)',
    );
    await waitFor(
      'its containers to stop',
      async () => (Object.values(await running()).some(Boolean) ? undefined : true),
      30_000,
      250,
    );
  });

  it("the worker's /metrics shows the sleeps, the wake, the TTL sweeps and the disk", async () => {
    const scrape = async () => {
      const res = await httpRequest(`${plane.opsUrl('worker')}/metrics`);
      expect(res.status).toBe(200);
      // Every series carries the app's default label; the names below leave it out.
      return res.body.replace(/\{service="berth-worker"\}|,service="berth-worker"/g, '');
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    let text = await scrape();
    // One `berth env sleep` (asked three times: one sleep), one idle sleep, one wake by the gateway.
    expect(value(text, 'berth_sleep_slept_total{reason="operator"}')).toBe(1);
    expect(value(text, 'berth_sleep_slept_total{reason="idle"}')).toBe(1);
    expect(value(text, 'berth_sleep_woken_total{by="gateway"}')).toBe(1);
    expect(value(text, 'berth_sleep_wake_duration_seconds_count')).toBe(1);
    const wake = value(text, 'berth_sleep_wake_duration_seconds_sum') ?? 0;
    expect(wake).toBeGreaterThan(0);
    expect(wake).toBeLessThan(60); // the first 200 came within 60 s
    expect(value(text, `berth_sleep_asleep{host="${host}"}`)).toBe(1);
    expect(value(text, 'berth_sleep_idle_sweeps_total{outcome="ok"}')).toBeGreaterThan(0);
    // The TTL swept every second and found this one preview, not due.
    expect(value(text, 'berth_ttl_sweeps_total{outcome="ok"}')).toBeGreaterThan(0);
    expect(value(text, 'berth_ttl_last_sweep_checked')).toBe(1);
    expect(value(text, 'berth_ttl_warned_total')).toBe(0);
    expect(value(text, 'berth_ttl_expired_total')).toBe(0);
    const swept = value(text, 'berth_ttl_last_sweep_timestamp_seconds') ?? 0;
    expect(Math.abs(Date.now() / 1000 - swept)).toBeLessThan(30);
    // Disk: the restarted worker's first pass, once the preview was built.
    const started = performance.now();
    text = await waitFor(
      'a disk pass after the build',
      async () => {
        const now = await scrape();
        const at = value(now, 'berth_disk_measured_timestamp_seconds{kind="checkout"}') ?? 0;
        return at >= builtAtS ? now : undefined;
      },
      70_000,
      500,
    );
    const disk = text.split('\n').filter((line) => line.startsWith('berth_disk_bytes{'));
    console.info(
      `[sleep-wake] disk metrics after ${Math.round(performance.now() - started)} ms:\n${disk.join('\n')}`,
    );
    // The shop's checkout and mirror in the worker's WORK_DIR: more than a few files' worth.
    expect(value(text, 'berth_disk_bytes{kind="checkout"}')).toBeGreaterThan(16_384);
    expect(value(text, 'berth_disk_bytes{kind="git_mirror"}')).toBeGreaterThan(16_384);
    // The shop's volumes hold Postgres' and Redis' data (other previews' volumes add to it).
    expect(value(text, 'berth_disk_bytes{kind="volume"}')).toBeGreaterThan(1_000_000);
    // Berth's images' own layers, and BuildKit's cache (none on an engine without BuildKit).
    expect(value(text, 'berth_disk_bytes{kind="image"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'berth_disk_bytes{kind="build_cache"}')).toBeGreaterThanOrEqual(0);
  });

  it('closing the PR tears the sleeping preview down', async () => {
    await plane.github.closePullRequest(pr, { merged: false });
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 });
    const left = await resourcesOf(repository, pr.number);
    expect(left.containers).toEqual([]);
    expect(left.volumes).toEqual([]);
    expect(left.networks).toEqual([]);
    expect((await row()).sleptAt).toBeNull();
  });
});
