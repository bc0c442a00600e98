// Suite `webhooks` (npm run bench -- --suite=webhooks): a storm of signed `pull_request`
// deliveries at the api, open loop, with replays mixed in; how fast the api answers, whether
// any answer is not 2xx, how long until the worker has processed every delivery and its jobs
// are queued, and that each PR got exactly one environment. The 400 previews are not
// provisioned: measuring stops once the jobs are queued, then the control plane stops.
// Prints one JSON object on stdout; progress goes to stderr.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ControlPlane } from '@berth/testing';
import Docker from 'dockerode';
import { makeEvents, seeded, sendOrder } from './support/webhooks/burst-plan.js';
import { type BurstProgress, BurstStore } from './support/webhooks/burst-store.js';
import type { SenderInput, SenderResult } from './support/webhooks/sender-thread.js';

const SHAPE = { prs: 400, total: 2_000, replays: 200 };
const WARM_SHAPE = { prs: 20, total: 100, replays: 0 };
const RATE_PER_S = 200;
const CLIENT_TIMEOUT_MS = 10_000; // GitHub's
const PROCESS_DEADLINE_MS = 300_000;
/** As the compose deployment runs it (docker-compose.yml): the api's answers go first. */
const WORKER_NICE = process.env['BENCH_WORKER_NICE'] ?? '10';
/** Deliveries that were refused are never stored: stop waiting once nothing moves for this long. */
const STALL_MS = 60_000;

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth';
/** Answer times grouped by the second of the burst they were scheduled in. */
function bySecond(latencies: number[], intervalMs: number): number[][] {
  const seconds: number[][] = [];
  latencies.forEach((ms, i) => {
    const second = Math.floor((i * intervalMs) / 1000);
    (seconds[second] ??= []).push(ms);
  });
  return seconds;
}

const repository = `acme/burst${randomBytes(3).toString('hex')}`;
const warmRepository = `${repository}-warm`;
let warmIds: string[] = [];
const began = Date.now();
const log = (message: string) =>
  console.error(`berth bench webhooks [${Math.round((Date.now() - began) / 1000)} s]: ${message}`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const now = () => performance.timeOrigin + performance.now();

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** A one-service app whose image is already on the machine: nothing to build. */
const COMPOSE = [
  'services:',
  '  app:',
  '    image: ${SHOP_NODE_IMAGE:-node:24-bookworm-slim}',
  '    command: ["sleep", "infinity"]',
  '',
].join('\n');

function send(input: SenderInput): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./support/webhooks/sender-thread.js', import.meta.url), {
      workerData: input,
    });
    worker.once('message', (result: SenderResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`sender thread exited with ${code}`));
    });
  });
}

async function rssMb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? null : round(Number(kb) / 1024);
}

/**
 * Polls until nothing of the burst waits (stored, processed, jobs dispatched), the deadline
 * passes, or nothing has moved for STALL_MS (deliveries lost to errors will never arrive).
 */
async function waitProcessed(
  store: BurstStore,
  ids: string[],
  startedAt: number,
  repo = repository,
): Promise<{ seconds: number | null; last: BurstProgress }> {
  const deadline = now() + PROCESS_DEADLINE_MS;
  let last = await store.progress(repo, ids);
  let reported = 0;
  let movedAt = now();
  for (;;) {
    const done = last.stored === ids.length && last.received === 0 && last.undispatched === 0;
    if (done) return { seconds: round((now() - startedAt) / 1000, 2), last };
    if (now() > deadline || now() - movedAt > STALL_MS) return { seconds: null, last };
    if (now() - reported > 5_000) {
      reported = now();
      log(
        `stored ${last.stored}/${ids.length}, received ${last.received}, undispatched jobs ${last.undispatched}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
    const before = last;
    last = await store.progress(repo, ids);
    const moved = (['stored', 'received', 'undispatched', 'environments'] as const).some(
      (key) => last[key] !== before[key],
    );
    if (moved) movedAt = now();
  }
}

/** Removes every Docker object the worker made for the bench's repository. */
async function removeDockerObjects(): Promise<number> {
  const docker = new Docker();
  const filters = { label: ['berth.managed=true', `berth.repo=${repository}`] };
  let removed = 0;
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .then(
        () => (removed += 1),
        () => undefined,
      );
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(
        () => (removed += 1),
        () => undefined,
      );
  }
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    await docker
      .getVolume(v.Name)
      .remove({ force: true })
      .then(
        () => (removed += 1),
        () => undefined,
      );
  }
  for (const i of await docker.listImages({ filters: { label: [`berth.repo=${repository}`] } })) {
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .then(
        () => (removed += 1),
        () => undefined,
      );
  }
  return removed;
}

let plane: ControlPlane | undefined;
let store: BurstStore | undefined;
let deliveryIds: string[] = [];
let failed = false;
try {
  store = await BurstStore.connect(databaseUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    composeVariablesFile: `${root}scripts/bootstrap/images.env`,
    logLevel: 'warn',
    // The burst measures intake: the worker applies webhooks and queues their jobs, but runs no
    // stage (the issue: "the bench does not provision 400 stacks").
    appEnv: { worker: { WORKER_ROLES: 'inbox,relay,sweep', WORKER_NICE: WORKER_NICE } },
  });
  const [owner, name] = repository.split('/') as [string, string];
  await plane.github.createRepository({ owner, name, files: { 'docker-compose.yml': COMPOSE } });
  log(`opening ${SHAPE.prs} PRs in the emulator and rendering their events`);
  const perPr = await makeEvents(plane.github, repository, SHAPE, plane.webhookSecret, (n) =>
    log(`${n}/${SHAPE.prs} PRs ready`),
  );
  const slots = sendOrder(perPr, SHAPE.replays, seeded(20261202));
  deliveryIds = [...new Set(slots.map((s) => s.deliveryId))];
  const intervalMs = 1000 / RATE_PER_S;
  // A long-running control plane is warm: first 20 PRs of a repository of their own, applied by
  // the worker (JIT, Prisma's query compiler, pools, the App's token), none of it counted.
  log('warming up: 100 deliveries for 20 PRs of another repository');
  const [, warmName] = warmRepository.split('/') as [string, string];
  await plane.github.createRepository({
    owner: 'acme',
    name: warmName,
    files: { 'docker-compose.yml': COMPOSE },
  });
  const warmSlots = sendOrder(
    await makeEvents(
      plane.github,
      warmRepository,
      WARM_SHAPE,
      plane.webhookSecret,
      () => undefined,
    ),
    0,
    seeded(7),
  );
  warmIds = warmSlots.map((s) => s.deliveryId);
  await send({
    url: `${plane.apiUrl}/webhooks/github`,
    startDelayMs: 100,
    intervalMs: 20,
    timeoutMs: CLIENT_TIMEOUT_MS,
    slots: warmSlots,
  });
  await waitProcessed(store, warmIds, now(), warmRepository);
  log(`sending ${slots.length} deliveries (${deliveryIds.length} distinct) at ${RATE_PER_S}/s`);
  const answered = send({
    url: `${plane.apiUrl}/webhooks/github`,
    startDelayMs: 200,
    intervalMs,
    timeoutMs: CLIENT_TIMEOUT_MS,
    slots,
  });
  const sent = await answered;
  log(`all answered; waiting for the worker to process every delivery`);
  const processed = await waitProcessed(store, deliveryIds, sent.startAt);
  const apiPid = plane.apps.find((a) => a.name === 'api')?.child.pid;
  const workerPid = plane.apps.find((a) => a.name === 'worker')?.child.pid;
  const non2xx = sent.status.filter((s) => s < 200 || s > 299).length;
  const statuses: Record<string, number> = {};
  for (const s of sent.status) statuses[String(s)] = (statuses[String(s)] ?? 0) + 1;
  const result = {
    webhook_burst_sent: slots.length,
    webhook_burst_non2xx: non2xx,
    webhook_burst_p50_ms: round(percentile(sent.latencyMs, 0.5)),
    webhook_burst_p99_ms: round(percentile(sent.latencyMs, 0.99)),
    webhook_burst_processed_s: processed.seconds,
    webhook_burst_environments: processed.last.environments,
    api_rss_mb: await rssMb(apiPid),
    detail: {
      prs: SHAPE.prs,
      distinct_deliveries: deliveryIds.length,
      replays: SHAPE.replays,
      rate_per_s: RATE_PER_S,
      max_ms: round(Math.max(...sent.latencyMs)),
      latency_p99_by_second_ms: bySecond(sent.latencyMs, intervalMs).map((l) =>
        round(percentile(l, 0.99)),
      ),
      statuses,
      transport_errors: sent.errors,
      sender_max_lag_ms: round(sent.maxSendLagMs),
      stored: processed.last.stored,
      still_received: processed.last.received,
      undispatched_jobs: processed.last.undispatched,
      outcomes: processed.last.outcomes,
      duplicate_environments: processed.last.duplicatePrs,
      worker_rss_mb: await rssMb(workerPid),
      worker_nice: Number(WORKER_NICE),
      machine: { cores: cpus().length, node: process.version },
    },
  };
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  failed = true;
  log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
  if (plane) console.error(plane.logs());
} finally {
  // Stopping the plane stops the worker, so nothing provisions after this point.
  await plane?.stop().catch((e: unknown) => log(`stopping the control plane: ${String(e)}`));
  const removed = await removeDockerObjects().catch((e: unknown) => {
    log(`removing Docker objects: ${String(e)}`);
    return 0;
  });
  await store
    ?.remove(repository, deliveryIds)
    .catch((e: unknown) => log(`removing the bench's rows: ${String(e)}`));
  await store
    ?.remove(warmRepository, warmIds)
    .catch((e: unknown) => log(`removing the warm-up's rows: ${String(e)}`));
  await store?.close().catch(() => undefined);
  log(`cleaned up (${removed} Docker objects removed)`);
}
if (failed) process.exit(1);
