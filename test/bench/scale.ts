// Suite `scale`: 120 pull requests of a one-service repository open at once on one Docker host.
// Every preview gets its own network in its own subnet of SUBNET_POOL (Docker's default pools stop
// at about 30), so all 120 can be live together. Prints one JSON object on stdout:
//   concurrent_environments  how many were ready at the same moment
//   provision_p95_s          webhook sent → ready, 95th percentile across the PRs (p50, max too)
//   control_plane_rss_mb     api + worker + gateway resident memory with every preview live
// then closes every PR and waits for teardown. Progress goes to stderr. Cleans up on failure.
// BENCH_SCALE_DNS=route53: the worker writes every preview host to a Route 53 emulator that
// throttles above 5 requests/s (AWS's documented rate) plus injected Throttling and
// PriorRequestNotComplete answers; the result adds the records live at peak and after teardown.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  ControlPlane,
  DEBIAN_FIXTURE_IMAGE,
  httpRequest,
  oneServiceCompose,
  startRoute53Emulator,
} from '@berth/testing';
import Docker from 'dockerode';

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const docker = new Docker();
const PRS = Number(process.env['BENCH_SCALE_PRS'] ?? 120);
const repository = `acme/scale${randomBytes(3).toString('hex')}`;
const [owner, repo] = repository.split('/') as [string, string];
const IMAGE = DEBIAN_FIXTURE_IMAGE;
const TIMEOUT_MS = 45 * 60_000;
const POLL_MS = 1_000;
const FAILED_GRACE_MS = 5 * 60_000;

// One service per preview (about 5 MB a container, so 120 fit on a small host). Docker's own
// healthcheck runs every 30 s: each run is an exec (a runc process), and every 2 s across 120
// containers would take a whole core by itself; Berth probes right after start anyway.
const COMPOSE = oneServiceCompose({ image: IMAGE, healthInterval: '30s' });

const log = (line: string) => console.error(`berth: [scale] ${line}`);

// Ctrl-C (or a CI timeout's SIGTERM) still closes every PR and waits for teardown.
let interrupted: string | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second signal: give up on cleaning up
    interrupted = signal;
    log(`${signal}: stopping and cleaning up (send it again to exit at once)`);
  });
}
const round = (n: number) => Math.round(n * 100) / 100;

interface Summary {
  prNumber: number;
  state: string;
}

async function listEnvironments(plane: ControlPlane): Promise<Summary[]> {
  const res = await httpRequest(
    // One page of up to 200 (decision 0029): BENCH_SCALE_PRS stays within it.
    `${plane.apiUrl}/api/v1/environments?repository=${encodeURIComponent(repository)}&limit=200`,
    { headers: { authorization: `Bearer ${plane.apiToken}` }, timeoutMs: 30_000 },
  );
  if (res.status !== 200) throw new Error(`GET /api/v1/environments: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { environments: Summary[] }).environments;
}

/**
 * Polls the environment list (one request for all PRs) until `done` holds; calls `seen` with each
 * poll's states. A `failed` environment stops the wait with its PR number.
 */
async function pollUntil(
  plane: ControlPlane,
  what: string,
  seen: (envs: Summary[]) => boolean,
  options: { timeoutMs?: number; failFast?: boolean; interruptible?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? TIMEOUT_MS);
  let last = '';
  for (;;) {
    if (interrupted && options.interruptible !== false)
      throw new Error(`interrupted by ${interrupted}`);
    const envs = await listEnvironments(plane);
    const failed = envs.filter((e) => e.state === 'failed').map((e) => e.prNumber);
    if (failed.length > 0 && options.failFast !== false) {
      const detail = await plane.environment(repository, failed[0] as number);
      throw new Error(
        `${failed.length} environment(s) failed (PRs ${failed.slice(0, 10).join(', ')}): ` +
          JSON.stringify(detail?.stages ?? detail),
      );
    }
    if (seen(envs)) return;
    const counts = envs.reduce<Record<string, number>>((acc, e) => {
      acc[e.state] = (acc[e.state] ?? 0) + 1;
      return acc;
    }, {});
    const line = JSON.stringify(counts);
    if (line !== last) log(`${what}: ${line}`);
    last = line;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${line}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Resident memory of one process in MB, from /proc (Linux). */
async function rssMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  return round(kb / 1024);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return round(sorted[Math.max(0, index)] ?? 0);
}

/** What is left on the engine for this bench's repository (labels carry the repository). */
async function leftovers() {
  const filters = { label: [`berth.repo=${repository}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return { containers, networks, volumes: volumes.Volumes ?? [] };
}

/** Last resort when teardown through Berth did not finish: remove the engine objects directly. */
async function forceClean(): Promise<void> {
  const { containers, networks, volumes } = await leftovers();
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  for (const n of networks) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  for (const v of volumes) {
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
  }
  if (containers.length + networks.length + volumes.length > 0) {
    log(
      `removed leftovers by hand: ${containers.length} containers, ${networks.length} ` +
        `networks, ${volumes.length} volumes (their ledger rows stay; the reconciler's job)`,
    );
  }
}

if (
  !(await docker
    .getImage(IMAGE)
    .inspect()
    .catch(() => null))
) {
  console.error(`berth: [scale] ${IMAGE} is missing: run scripts/bootstrap/images.sh`);
  process.exit(1);
}

const route53 =
  process.env['BENCH_SCALE_DNS'] === 'route53'
    ? await startRoute53Emulator({ ratePerSecond: 5 })
    : undefined;
const zoneId = route53?.createZone('localhost');
if (route53) {
  route53.faults.add('ChangeResourceRecordSets', 'throttle', 5);
  route53.faults.add('ChangeResourceRecordSets', 'prior-request-not-complete', 3);
}
/** Berth's records in the zone: the hosts' A records and their ownership TXT records. */
const dnsRecords = () =>
  route53 && zoneId
    ? route53.records(zoneId).filter((r) => r.type === 'A' || r.name.startsWith('_berth.')).length
    : null;
const plane = await ControlPlane.start({
  root,
  databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth',
  redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  logLevel: 'warn',
  // Stages mostly wait on the engine: a few more at once keeps 120 PRs from queueing behind two.
  appEnv: {
    worker: {
      WORKER_CONCURRENCY: process.env['BENCH_SCALE_CONCURRENCY'] ?? '6',
      ...(route53 && zoneId
        ? {
            DNS_PROVIDER: 'route53',
            ROUTE53_HOSTED_ZONE_ID: zoneId,
            DNS_TARGET: '127.0.0.1',
            AWS_ENDPOINT_URL_ROUTE_53: route53.url,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'AKIDBERTHBENCH',
            AWS_SECRET_ACCESS_KEY: 'berth-bench-secret',
          }
        : {}),
    },
  },
});
const opened: Awaited<ReturnType<typeof plane.github.openPullRequest>>[] = [];
let exitCode = 0;
try {
  await plane.github.createRepository({
    owner,
    name: repo,
    files: { 'docker-compose.yml': COMPOSE },
  });
  log(`opening ${PRS} pull requests on ${repository}`);
  const sentAt = new Map<number, number>();
  const readyAt = new Map<number, number>();
  const started = performance.now();
  for (let i = 1; i <= PRS; i++) {
    if (interrupted) throw new Error(`interrupted by ${interrupted}`);
    sentAt.set(i, performance.now());
    opened.push(
      await plane.github.openPullRequest({
        repo: repository,
        branch: `scale/${i}`,
        title: `Scale ${i}`,
        changes: { [`notes/${i}.md`]: `preview ${i}\n` },
      }),
    );
  }
  log(`${PRS} opened in ${round((performance.now() - started) / 1000)} s`);
  let concurrent = 0;
  let failed = 0;
  // A preview that failed may still converge (retries, the convergence sweep): keep waiting while
  // anything moves; once only failed ones are left and nothing changed for a while, report them.
  let settledSince = Number.POSITIVE_INFINITY;
  await pollUntil(
    plane,
    'all ready',
    (envs) => {
      const now = performance.now();
      const ready = envs.filter((e) => e.state === 'ready');
      for (const e of ready) if (!readyAt.has(e.prNumber)) readyAt.set(e.prNumber, now);
      concurrent = Math.max(concurrent, ready.length);
      const nowFailed = envs.filter((e) => e.state === 'failed').length;
      if (ready.length + nowFailed < PRS || nowFailed !== failed) settledSince = now;
      failed = nowFailed;
      return ready.length >= PRS || now - settledSince > FAILED_GRACE_MS;
    },
    { failFast: false },
  );
  const allReadyS = round((performance.now() - started) / 1000);
  log(`${concurrent} of ${PRS} ready after ${allReadyS} s (${failed} failed)`);

  // With every preview live: memory, and what the engine holds.
  const rss = Object.fromEntries(
    await Promise.all(plane.apps.map(async (a) => [a.name, await rssMb(a.child.pid)] as const)),
  );
  const live = await leftovers();
  const dnsLive = dnsRecords();
  const subnets = new Set(
    live.networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet)).filter(Boolean),
  );
  const routed = await plane.environment(repository, 1);
  const url = routed?.urls?.['web'];
  const reply = url ? await plane.viaGateway(url) : null;

  const provision = [...readyAt.entries()].map(
    ([pr, at]) => (at - (sentAt.get(pr) as number)) / 1000,
  );
  log(`closing ${PRS} pull requests`);
  const closing = performance.now();
  for (const pr of opened) await plane.github.closePullRequest(pr);
  await pollUntil(
    plane,
    'all destroyed',
    (envs) => envs.filter((e) => e.prNumber <= PRS).every((e) => e.state === 'destroyed'),
    { failFast: false },
  );
  const teardownS = round((performance.now() - closing) / 1000);
  opened.length = 0;
  const after = await leftovers();

  const result = {
    concurrent_environments: concurrent,
    failed_environments: failed,
    provision_p95_s: percentile(provision, 95),
    provision_p50_s: percentile(provision, 50),
    provision_max_s: percentile(provision, 100),
    all_ready_s: allReadyS,
    control_plane_rss_mb: round(Object.values(rss).reduce((a, b) => a + b, 0)),
    rss_mb: rss,
    prs: PRS,
    live_networks: live.networks.length,
    distinct_subnets: subnets.size,
    live_containers: live.containers.length,
    preview_answered: reply?.status ?? null,
    teardown_s: teardownS,
    left_after_teardown: {
      containers: after.containers.length,
      networks: after.networks.length,
      volumes: after.volumes.length,
    },
    ...(route53
      ? {
          dns: {
            records_live: dnsLive,
            records_expected: PRS * 2,
            records_after_teardown: dnsRecords(),
            change_calls: route53.requestLog.filter(
              (e) => e.operation === 'ChangeResourceRecordSets',
            ).length,
            throttled: route53.requestLog.filter((e) => e.errorCode === 'Throttling').length,
          },
        }
      : {}),
    worker_concurrency: Number(process.env['BENCH_SCALE_CONCURRENCY'] ?? 6),
    machine: { cores: cpus().length, node: process.version },
  };
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  exitCode = 1;
  console.error(`berth: bench failed: ${(error as Error).message}`);
  console.error(plane.logs());
} finally {
  // Whatever happened: close what is still open, give Berth a while to tear down, then make sure.
  if (opened.length > 0) {
    log(`cleaning up: closing ${opened.length} pull requests`);
    for (const pr of opened) await plane.github.closePullRequest(pr).catch(() => undefined);
    await pollUntil(
      plane,
      'cleanup teardown',
      (envs) => envs.every((e) => e.state === 'destroyed' || e.state === 'failed'),
      { timeoutMs: 10 * 60_000, failFast: false, interruptible: false },
    ).catch((error: unknown) => log(`teardown did not finish: ${(error as Error).message}`));
  }
  await plane.stop();
  await route53?.close();
  await forceClean();
}
process.exit(exitCode);
