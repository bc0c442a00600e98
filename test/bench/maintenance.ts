// Suite `maintenance`: the reconciler (decision 0018) over a ledger of 1,000 rows and a host
// holding 300 objects under Berth's marks, 50 of them orphans. On the real engine and Postgres:
//   - 125 live environments (ready), each a container (created, never started) and a volume,
//     recorded, and a subnet row: 250 objects and 375 rows the reconciler must keep;
//   - 10 closed environments whose teardown crashed halfway: 10 containers, 20 volumes and 10
//     networks (each on its own subnet, 10 subnet rows) still on the host with their rows left
//     created or deleting, and 575 rows whose object is already gone;
//   - 10 orphans nobody recorded (the label of an environment that no longer exists, or none);
//   - Route 53 and Secrets Manager on their emulators (support/reconcile-cloud.ts): 160 live
//     records and secrets, 20 orphans; their rows are taken from the stale ones, so the ledger
//     still holds 1,000 rows (provider objects: 300 on the engine + 180 in the cloud).
// A dry run, then a timed real run, then a second dry run that must find nothing. Prints:
//   reconcile_s        the real run, observe → compare → act → record (control-plane time)
//   dry_run_s          the dry run before it
//   orphans_left       orphans the follow-up dry run still finds (must be 0)
//   removed, stale_rows_marked, subnets_released, live_kept, ledger_rows, provider_objects
//   dry_run_matches    the dry run listed exactly what the real run removed
// Then disk growth over open/push/close cycles of the shop (support/disk-growth.ts; decision 0023).
// Then the TTL sweep (decision 0020) over 1,000 environments of open PRs on ledger host <run>:
// 800 not yet due, 100 inside their warning window, 100 warned and past expiry. One timed sweep
// through the real command path (row lock, decision, write, event), then a second that must find
// nothing to do. Prints:
//   ttl_sweep_s        the sweep: read 1,000, decide, warn 100 and expire 100 (each a command)
//   ttl_warned, ttl_expired, ttl_second_sweep_acted (must be 0), ttl_environments
// Its outbox rows are written already dispatched, so no relay of a control plane sharing this
// database acts on them.
// Then the wake of the shop from sleep (support/wake.ts; decision 0024): `wake_s`, sleep → first
// 200 through the gateway (target ≤ 5 s); BENCH_WAKE=0 skips it.
// Then cost telemetry's usage sampler over BENCH_COST_CONTAINERS running containers (default
// 40; 0 skips it; support/cost-sample.ts, decision 0025): cost_sample_s, one steady pass.
// Everything it creates carries berth.bench=<run> (the reconciler's scope, so nothing else on
// the engine is looked at) and sits on ledger host <run>; all of it is removed at the end, on
// failure and on SIGINT/SIGTERM. Env: BENCH_RECONCILE_IMAGE (berth-fixture/debian:bookworm).
import { randomBytes, randomInt } from 'node:crypto';
import { LABEL_ENV, LABEL_MANAGED } from '@berth/core';
import {
  createPrismaClient,
  EnvironmentLeases,
  EnvironmentStore,
  type OutboxEntry,
  Outbox,
  ReconcileQueries,
  type Tx,
  WebhookInbox,
} from '@berth/db';
import { EnvironmentCommands, Reconciler, TtlQueries, TtlSweep } from '@berth/lifecycle';
import { DockerContainerHost } from '@berth/providers';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { diskGrowth } from './support/disk-growth.js';
import { wakeBench } from './support/wake.js';
import { costSampleBench } from './support/cost-sample.js';
import { CLOUD_ROWS, type CloudSeed, seedReconcileCloud } from './support/reconcile-cloud.js';

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth';
const IMAGE = process.env['BENCH_RECONCILE_IMAGE'] ?? 'berth-fixture/debian:bookworm';
const LIVE = 125;
const CLOSED = 10;
const STALE_ROWS = 575 - CLOUD_ROWS;
const GRACE_MS = 1_000;
const NET = `10.253.${randomInt(1, 250)}`;

const run = `rcbench${randomBytes(3).toString('hex')}`;
const scope = { 'berth.bench': run };
const log = (line: string) => console.error(`berth: [maintenance] ${line}`);
const seconds = (ms: number) => Math.round(ms) / 1000;
const host = new DockerContainerHost();
const prisma = createPrismaClient(databaseUrl);
const repoName = `acme/${run}`;
const ttlRepoName = `acme/${run}-ttl`;
const TTL_ENVIRONMENTS = 1_000;
const TTL_WARN = 100;
const TTL_EXPIRE = 100;
const labels = (pr?: number) => ({
  ...scope,
  [LABEL_MANAGED]: 'true',
  ...(pr === undefined ? {} : { [LABEL_ENV]: `${repoName}#${pr}` }),
});

async function limited<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

let cloudSeed: CloudSeed | undefined;

async function cleanup(): Promise<void> {
  await cloudSeed?.close().catch(() => undefined);
  const left = await host.listByLabels(scope).catch(() => undefined);
  await limited(left?.containers ?? [], 8, (c) => host.removeContainer(c.name).catch(() => 0));
  await limited(left?.volumes ?? [], 8, (v) => host.removeVolume(v.name).catch(() => 0));
  await limited(left?.networks ?? [], 4, (n) => host.removeNetwork(n.name).catch(() => 0));
  await prisma.resource.deleteMany({ where: { host: run } }).catch(() => 0);
  for (const fullName of [repoName, ttlRepoName]) {
    const repo = await prisma.repository.findFirst({ where: { fullName } });
    if (!repo) continue;
    const ids = (
      await prisma.environment.findMany({ where: { repositoryId: repo.id }, select: { id: true } })
    ).map((e) => e.id);
    await prisma.$executeRaw`
      DELETE FROM outbox_jobs WHERE data->>'environmentId' = ANY(${ids}::text[])`.catch(() => 0);
    await prisma.environment.deleteMany({ where: { repositoryId: repo.id } }).catch(() => 0);
    await prisma.repository.delete({ where: { id: repo.id } }).catch(() => 0);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

type Row = {
  kind: 'container' | 'volume' | 'network' | 'subnet';
  name: string;
  environmentId: string | null;
  state: 'created' | 'deleting';
};

let exitCode = 0;
try {
  await host.ping();
  if (!(await host.imageExists(IMAGE))) {
    throw new Error(`${IMAGE} is not on the engine: run scripts/bootstrap/all.sh first`);
  }
  log(`seeding ${LIVE} live and ${CLOSED} closed environments (${repoName})`);
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repoName,
      owner: 'acme',
      name: run,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${repoName}.git`,
    },
  });
  const prs = Array.from({ length: LIVE + CLOSED + 1 }, (_, i) => i + 1);
  await prisma.environment.createMany({
    data: prs.map((pr) => ({
      repositoryId: repository.id,
      prNumber: pr,
      headSha: 'a'.repeat(40),
      branch: `b${pr}`,
      baseBranch: 'main',
      state: pr <= LIVE ? ('ready' as const) : ('destroyed' as const),
    })),
  });
  const envs = await prisma.environment.findMany({ where: { repositoryId: repository.id } });
  const envOf = new Map(envs.map((e) => [e.prNumber, e.id]));
  // The last one's row goes: its objects point at an environment that no longer exists.
  const vanished = LIVE + CLOSED + 1;
  await prisma.environment.delete({ where: { id: envOf.get(vanished)! } });

  const rows: Row[] = [];
  const containers: { name: string; pr?: number }[] = [];
  const volumes: { name: string; pr?: number }[] = [];
  const networks: { name: string; pr: number; cidr: string }[] = [];
  for (let pr = 1; pr <= LIVE; pr++) {
    const id = envOf.get(pr)!;
    containers.push({ name: `${run}-pr${pr}-app`, pr });
    volumes.push({ name: `${run}-pr${pr}-data`, pr });
    rows.push({
      kind: 'container',
      name: `${run}-pr${pr}-app`,
      environmentId: id,
      state: 'created',
    });
    rows.push({ kind: 'volume', name: `${run}-pr${pr}-data`, environmentId: id, state: 'created' });
    rows.push({ kind: 'subnet', name: `10.252.${pr}.0/26`, environmentId: id, state: 'created' });
  }
  for (let i = 0; i < CLOSED; i++) {
    const pr = LIVE + 1 + i;
    const id = envOf.get(pr)!;
    const cidr = `${NET}.${i * 16}/28`;
    containers.push({ name: `${run}-pr${pr}-app`, pr });
    volumes.push({ name: `${run}-pr${pr}-data`, pr }, { name: `${run}-pr${pr}-cache`, pr });
    networks.push({ name: `${run}-pr${pr}-net`, pr, cidr });
    rows.push(
      { kind: 'container', name: `${run}-pr${pr}-app`, environmentId: id, state: 'deleting' },
      { kind: 'volume', name: `${run}-pr${pr}-data`, environmentId: id, state: 'created' },
      { kind: 'volume', name: `${run}-pr${pr}-cache`, environmentId: id, state: 'deleting' },
      { kind: 'network', name: `${run}-pr${pr}-net`, environmentId: id, state: 'created' },
      { kind: 'subnet', name: cidr, environmentId: id, state: 'created' },
    );
  }
  for (let i = 0; i < STALE_ROWS; i++) {
    const pr = LIVE + 1 + (i % CLOSED);
    rows.push({
      kind: i % 3 === 0 ? 'container' : 'volume',
      name: `${run}-pr${pr}-gone${i}`,
      environmentId: envOf.get(pr)!,
      state: i % 2 ? 'created' : 'deleting',
    });
  }
  // Unrecorded orphans: 5 of the vanished environment, 5 with no environment label at all.
  for (let i = 0; i < 5; i++) {
    volumes.push({ name: `${run}-ghost${i}`, pr: vanished });
    volumes.push({ name: `${run}-bare${i}` });
  }
  await prisma.resource.createMany({
    data: rows.map((r) => ({
      kind: r.kind,
      provider: 'docker' as const,
      name: r.name,
      environmentId: r.environmentId,
      host: run,
      state: r.state,
    })),
  });

  log(`creating ${containers.length + volumes.length + networks.length} objects on the engine`);
  await limited(networks, 4, (n) =>
    host.ensureNetwork({ name: n.name, labels: labels(n.pr), subnet: { cidr: n.cidr } }),
  );
  await limited(volumes, 8, (v) => host.ensureVolume({ name: v.name, labels: labels(v.pr) }));
  await limited(containers, 6, (c) =>
    host.docker.createContainer({
      name: c.name,
      Image: IMAGE,
      Cmd: ['true'],
      Labels: labels(c.pr),
      HostConfig: { NetworkMode: 'none' },
    }),
  );
  log('seeding Route 53 records and Secrets Manager secrets on their emulators');
  cloudSeed = await seedReconcileCloud({
    prisma,
    run,
    repository: repoName,
    envOf,
    livePrs: prs.filter((pr) => pr <= LIVE),
    closedPrs: prs.filter((pr) => pr > LIVE && pr <= LIVE + CLOSED),
  });
  const objects = containers.length + volumes.length + networks.length;
  await new Promise((r) => setTimeout(r, GRACE_MS + 1_100)); // all older than the grace period

  const reconciler = new Reconciler({
    host,
    queries: new ReconcileQueries(prisma, run),
    graceMs: GRACE_MS,
    scope,
    cloud: cloudSeed.reconcile,
    logger: pino({ level: 'silent' }),
  });
  // Warm the connections (the first Prisma query pays for its pool).
  await prisma.$queryRaw`SELECT 1`;

  log('dry run');
  let t = performance.now();
  const dry = await reconciler.dryRun();
  const dryMs = performance.now() - t;
  log(`dry run lists ${dry.removals.length} removals, ${dry.staleRows.length} stale rows`);

  log('real run');
  t = performance.now();
  const real = await reconciler.run();
  const realMs = performance.now() - t;
  log(`real run: ${seconds(realMs)} s, ${JSON.stringify(real.removalsByKind)}`);
  const after = await reconciler.dryRun();
  const onHost = await host.listByLabels(scope);
  const liveLeft =
    onHost.containers.filter((c) => containers.some((x) => x.name === c.name && x.pr! <= LIVE))
      .length + onHost.volumes.filter((v) => /-pr\d+-data$/.test(v.name)).length;
  const key = (r: { kind: string; name: string }) => `${r.kind}:${r.name}`;
  const result = {
    suite: 'maintenance',
    reconcile_s: seconds(realMs),
    dry_run_s: seconds(dryMs),
    orphans_left: after.removals.length + after.staleRows.length,
    removed: real.removals.filter((r) => r.kind !== 'subnet').length,
    subnets_released: real.removals.filter((r) => r.kind === 'subnet').length,
    stale_rows_marked: real.staleRows.length,
    live_kept: liveLeft,
    failures: real.failures.length,
    dry_run_matches:
      JSON.stringify(dry.removals.map(key)) === JSON.stringify(real.removals.map(key)) &&
      JSON.stringify(dry.staleRows.map((s) => s.id)) ===
        JSON.stringify(real.staleRows.map((s) => s.id)),
    ledger_rows: rows.length + cloudSeed.rows,
    provider_objects: objects + cloudSeed.objects,
    injected_orphans: objects - LIVE * 2 + cloudSeed.orphans,
    removed_by_kind: real.removalsByKind,
    cloud: cloudSeed.check(),
    inventory: real.inventory,
  };
  if (
    result.orphans_left !== 0 ||
    result.live_kept !== LIVE * 2 ||
    !result.dry_run_matches ||
    result.cloud.orphansLeft !== 0 ||
    result.cloud.liveKept !== result.cloud.liveExpected
  ) {
    exitCode = 1;
    log(`FAILED: ${JSON.stringify({ after: after.removals, failures: real.failures })}`);
  }
  const ttl = await ttlSweepBench();
  Object.assign(result, ttl);
  if (ttl.ttl_second_sweep_acted !== 0 || ttl.ttl_failures !== 0) {
    exitCode = 1;
    log(`FAILED: the TTL sweep ${JSON.stringify(ttl)}`);
  }
  // Cost telemetry's usage sampler over running containers (support/cost-sample.ts).
  if (process.env['BENCH_COST_CONTAINERS'] !== '0') {
    const cost = await costSampleBench({ prisma, host, run, scope, image: IMAGE, log });
    Object.assign(result, cost);
    if (cost.cost_sample_unreadable !== 0) {
      exitCode = 1;
      log(`FAILED: the usage sampler ${JSON.stringify(cost)}`);
    }
  }
  if (process.env['BENCH_WAKE'] !== '0') Object.assign(result, await wakeBench(root, log));
  // BENCH_DISK_CYCLES=0 skips the (long) disk half.
  if (process.env['BENCH_DISK_CYCLES'] !== '0') {
    Object.assign(result, await diskGrowth(root, log));
  }
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  exitCode = 1;
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  log('cleaning up');
  await cleanup();
  await prisma.$disconnect();
}
process.exit(exitCode);

/** 1,000 environments on host <run>; one timed sweep, then one that must do nothing. */
async function ttlSweepBench() {
  log(`seeding ${TTL_ENVIRONMENTS} environments for the TTL sweep (${ttlRepoName})`);
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: ttlRepoName,
      owner: 'acme',
      name: `${run}-ttl`,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${ttlRepoName}.git`,
    },
  });
  const now = Date.now();
  const HOUR = 3_600_000;
  await prisma.environment.createMany({
    data: Array.from({ length: TTL_ENVIRONMENTS }, (_, i) => {
      const pr = i + 1;
      // Expire: a 1 h label, started 2 h ago, warned for that expiry. Warn: 1 h label, 55 min
      // in. The rest: the default 72 h, started now.
      const expire = i < TTL_EXPIRE;
      const warn = !expire && i < TTL_EXPIRE + TTL_WARN;
      const started = expire ? now - 2 * HOUR : warn ? now - 55 * 60_000 : now;
      return {
        repositoryId: repository.id,
        prNumber: pr,
        headSha: 'a'.repeat(40),
        branch: `b${pr}`,
        baseBranch: 'main',
        state: (['ready', 'failed', 'held', 'building'] as const)[i % 4],
        generation: 1,
        dockerHost: run,
        createdAt: new Date(started),
        ttlStartedAt: new Date(started),
        ttlLabelMs: expire || warn ? HOUR : null,
        ...(expire ? { ttlWarnedFor: new Date(started + HOUR) } : {}),
      };
    }),
  });
  const envs = await prisma.environment.findMany({
    where: { repositoryId: repository.id },
    select: { id: true },
  });
  await prisma.revision.createMany({
    data: envs.map((e) => ({
      environmentId: e.id,
      generation: 1,
      headSha: 'a'.repeat(40),
      configSnapshot: {},
    })),
  });
  // The real command path; its outbox rows are written dispatched (see the header).
  const outbox = new Outbox(prisma);
  outbox.add = async (tx: Tx, entries: OutboxEntry[]) => {
    if (entries.length === 0) return;
    await tx.outboxJob.createMany({
      data: entries.map((e) => ({
        name: e.name,
        jobId: e.jobId,
        data: e.data as object,
        dispatchedAt: new Date(),
      })),
    });
  };
  const commands = new EnvironmentCommands({
    store: new EnvironmentStore(prisma),
    outbox,
    inbox: new WebhookInbox(prisma),
    leases: new EnvironmentLeases(prisma),
    dockerHost: run,
  });
  const sweep = new TtlSweep({
    queries: new TtlQueries(prisma),
    commands,
    policy: { defaultMs: 72 * HOUR, maxMs: 14 * 24 * HOUR },
    dockerHost: run,
    logger: pino({ level: 'silent' }),
  });
  log('TTL sweep');
  const t = performance.now();
  const first = await sweep.sweep();
  const ms = performance.now() - t;
  const second = await sweep.sweep();
  log(`TTL sweep: ${JSON.stringify(first)}`);
  return {
    ttl_sweep_s: seconds(ms),
    ttl_environments: first.checked,
    ttl_warned: first.warned,
    ttl_expired: first.expired,
    ttl_display_updated: first.displayUpdated,
    ttl_failures: first.failures + second.failures,
    ttl_second_sweep_acted: second.warned + second.expired,
    ttl_second_sweep_s: seconds(second.durationMs),
  };
}
