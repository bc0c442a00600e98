// Suite `gateway`: the latency the gateway adds. The real gateway (dist) with its route table in
// Postgres proxies a private route to one preview app (node → redis, see support/gateway); the
// same open-loop load (RATE req/s, keep-alive, a valid Berth access cookie) goes through the
// gateway and straight to the app container's own IP, in alternating rounds so both see the
// same machine. A third target, the floor (support/gateway/floor-proxy.ts: the smallest honest
// Node reverse proxy, own process, same flags), tells what any Node proxy adds on this host from
// what the gateway's own work adds. Prints one JSON object on stdout:
//   gateway_overhead_p50_ms / _p99_ms   gateway percentile − direct percentile
//   gateway_overhead_p99_ms_by_round    the same per round pair, and its median
//   floor_overhead_* , floor_cpu_us_per_request   the same for the floor proxy
//   direct, gateway, floor              each distribution (percentiles, histogram, errors)
//   gateway_rss_mb                      the gateway's resident memory after the load
//   gateway_event_loop                  its event-loop delay per round (its own /metrics)
//   loadavg                             /proc/loadavg before, between and after (shared hosts)
// Raw samples go to .cache/bench/. Progress goes to stderr. Env: BENCH_GATEWAY_RATE (500),
// BENCH_GATEWAY_SECONDS (20 per target), BENCH_GATEWAY_ROUNDS (4), BENCH_GATEWAY_WARMUP_SECONDS
// (30 per target: V8 still moves the hot path to its optimising tier 20 s in, each compile
// several ms of a core; a gateway in service did that once, long ago: decision 0012),
// BENCH_GATEWAY_NODE_OPTIONS (the gateway's node flags, on its command line; default
// docker-compose.yml's; add e.g. --cpu-prof --cpu-prof-dir=/tmp/prof),
// BENCH_GATEWAY_NICE (e.g. -5: the gateway's scheduling priority, to tell CPU contention from
// the gateway's own stalls on a shared host; below 0 needs root), BENCH_GATEWAY_FLOOR=0 (no
// floor proxy: direct and gateway only; `forward`: the floor forwards with the gateway's own
// forwardHttp, to tell its cost from the front door's; `http`: the node:http floor of before;
// `inside`: the undici floor preloaded into the gateway's own process on a second port, to tell
// what the process costs (Nest ops server, Prisma, Redis, timers) from what its front door does).
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { signShareToken } from '@berth/core';
import { createPrismaClient } from '@berth/db';
import { freePort, httpRequest, startAppProcess, waitFor } from '@berth/testing';
import Docker from 'dockerode';
import {
  keepAliveAgent,
  type OpenLoopResult,
  type OpenLoopTarget,
  openLoop,
  percentile,
} from './support/gateway/open-loop.js';
import { startUpstreamApp } from './support/gateway/upstream-app.js';

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));
/** docker-compose.yml's gateway command line: what an operator runs. */
const GATEWAY_NODE_FLAGS = '--max-semi-space-size=32 --min-semi-space-size=16';
const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${process.env[name]} must be a positive number`);
  }
  return value;
};
const RATE = num('BENCH_GATEWAY_RATE', 500);
const SECONDS = num('BENCH_GATEWAY_SECONDS', 20);
const ROUNDS = Math.round(num('BENCH_GATEWAY_ROUNDS', 4));
const WARMUP_SECONDS = num('BENCH_GATEWAY_WARMUP_SECONDS', 30);
const FLOOR = process.env['BENCH_GATEWAY_FLOOR'] !== '0';
/** BENCH_GATEWAY_FLOOR=inside: the floor listens inside the gateway's process. */
const FLOOR_INSIDE = process.env['BENCH_GATEWAY_FLOOR'] === 'inside';
/** BENCH_GATEWAY_FLOOR: `forward` (the gateway's forwardHttp), `http` (node:http), else undici. */
const FLOOR_FORWARD =
  process.env['BENCH_GATEWAY_FLOOR'] === 'forward'
    ? 'gateway'
    : process.env['BENCH_GATEWAY_FLOOR'] === 'http'
      ? 'http'
      : 'floor';
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const run = randomBytes(3).toString('hex');
const BASE_DOMAIN = 'localhost';
const HOSTNAME = `web-pr-1-gwbench${run}.${BASE_DOMAIN}`;
const SECRET = randomBytes(32).toString('hex');
const log = (line: string) => console.error(`berth: [gateway] ${line}`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const loadavg = async () => (await readFile('/proc/loadavg', 'utf8')).trim();

type TargetName = 'direct' | 'gateway' | 'floor';

/** `proxied` pXX − direct pXX, per round (each round ran the targets back to back). */
function roundOverheads(
  results: Record<TargetName, OpenLoopResult[]>,
  proxied: 'gateway' | 'floor',
  p: number,
): number[] {
  const at = (r: OpenLoopResult) =>
    percentile(
      [...r.latenciesMs].sort((a, b) => a - b),
      p,
    );
  return results[proxied].map((g, i) => {
    const d = results.direct[i];
    return d ? round(at(g) - at(d)) : Number.NaN;
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

async function rssMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return round(Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux, 100 Hz ticks). */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The gateway's event-loop delay since the last scrape (prom-client resets it on collect). */
async function eventLoopDelay(opsPort: number): Promise<{ p99_ms: number; max_ms: number }> {
  const res = await httpRequest(`http://127.0.0.1:${opsPort}/metrics`, { timeoutMs: 5_000 });
  const metric = (name: string) =>
    round(
      Number(new RegExp(`^berth_${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(res.body)?.[1]) * 1000,
    );
  return {
    p99_ms: metric('nodejs_eventloop_lag_p99_seconds'),
    max_ms: metric('nodejs_eventloop_lag_max_seconds'),
  };
}

/** Powers-of-two buckets (ms): enough to see the shape of a tail without printing every sample. */
function histogram(sorted: number[]): Record<string, number> {
  const buckets: Record<string, number> = {};
  for (const value of sorted) {
    let upper = 0.25;
    while (value > upper) upper *= 2;
    const key = `<=${upper}`;
    buckets[key] = (buckets[key] ?? 0) + 1;
  }
  return buckets;
}

function summary(results: OpenLoopResult[]) {
  const sorted = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const r of results) {
    for (const [s, n] of Object.entries(r.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  }
  return {
    sorted,
    report: {
      sent: results.reduce((n, r) => n + r.sent, 0),
      ok: sorted.length,
      errors: results.reduce((n, r) => n + r.errors, 0),
      first_error: results.find((r) => r.firstError)?.firstError ?? null,
      statuses,
      p50_ms: round(percentile(sorted, 50)),
      p90_ms: round(percentile(sorted, 90)),
      p99_ms: round(percentile(sorted, 99)),
      p999_ms: round(percentile(sorted, 99.9)),
      max_ms: round(sorted.at(-1) ?? Number.NaN),
      mean_ms: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
      generator_max_start_lag_ms: round(Math.max(...results.map((r) => r.maxStartLagMs))),
      histogram_ms: histogram(sorted),
    },
  };
}

/**
 * The access cookie the way a browser gets it: open the share link, keep what the gateway's
 * redirect sets. The cookie's name, scope and format stay the gateway's business.
 */
async function accessCookie(gatewayOrigin: string, environmentId: string): Promise<string> {
  // Minted as an operator would: a share_links row (revocable), then the token naming it.
  const expiresAt = new Date(Date.now() + 3_600_000);
  const link = await prisma.shareLink.create({
    data: { environmentId, createdBy: 'bench', expiresAt, note: 'gateway bench' },
  });
  const token = signShareToken(SECRET, { environmentId, expiresAt, linkId: link.id });
  const res = await httpRequest(`${gatewayOrigin}/?berth_token=${encodeURIComponent(token)}`, {
    headers: { host: HOSTNAME },
  });
  const setCookie = res.headers['set-cookie'] ?? [];
  const pairs = (Array.isArray(setCookie) ? setCookie : [setCookie])
    .map((line) => line.split(';')[0]?.trim() ?? '')
    .filter((pair) => pair.includes('='));
  if (res.status !== 302 || pairs.length === 0) {
    throw new Error(`the share link did not set an access cookie: ${res.status} ${res.body}`);
  }
  return pairs.join('; ');
}

const docker = new Docker();
const prisma = createPrismaClient(databaseUrl);
const cleanups: Array<() => Promise<unknown>> = [];
let exitCode = 0;
try {
  log(`starting the upstream app on network berth-bench-gw-${run}`);
  const app = await startUpstreamApp(docker, `berth-bench-gw-${run}`);
  cleanups.push(app.remove);

  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/gwbench${run}`,
      owner: 'acme',
      name: `gwbench${run}`,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/acme/gwbench${run}.git`,
    },
  });
  cleanups.push(() => prisma.repository.delete({ where: { id: repository.id } }));
  const environment = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 1,
      headSha: 'a'.repeat(40),
      branch: 'bench',
      baseBranch: 'main',
    },
  });
  cleanups.push(() => prisma.environment.delete({ where: { id: environment.id } }));
  await prisma.route.create({
    data: {
      hostname: HOSTNAME,
      environmentId: environment.id,
      service: 'web',
      targetHost: app.address,
      targetPort: app.port,
      accessMode: 'private',
    },
  });
  cleanups.push(() => prisma.route.deleteMany({ where: { environmentId: environment.id } }));

  const [gatewayPort, opsPort] = [await freePort(), await freePort()];
  const floorPort = await freePort();
  const floorModule = `${root}dist/test/bench/support/gateway/floor-proxy.js`;
  const floorEnv = {
    FLOOR_PORT: String(floorPort),
    FLOOR_UPSTREAM_HOST: app.address,
    FLOOR_UPSTREAM_PORT: String(app.port),
    FLOOR_FORWARD,
  };
  // On node's command line, as docker-compose.yml runs the gateway (V8 flags included).
  const nodeFlags = (process.env['BENCH_GATEWAY_NODE_OPTIONS'] ?? GATEWAY_NODE_FLAGS)
    .split(' ')
    .filter((flag) => flag !== '');
  const gateway = startAppProcess(
    root,
    'gateway',
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_OPS_PORT: String(opsPort),
      BASE_DOMAIN,
      PREVIEW_LINK_SECRET: SECRET,
      PREVIEW_URL_SCHEME: 'http',
      // What an operator runs: the default log level, production mode.
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      ...(FLOOR_INSIDE ? floorEnv : {}),
    },
    false,
    // The flags docker-compose.yml runs the gateway with (decision 0012), unless overridden.
    FLOOR_INSIDE ? [...nodeFlags, `--import=${floorModule}`] : nodeFlags,
  );
  cleanups.push(() => gateway.stop());
  const nice = process.env['BENCH_GATEWAY_NICE'];
  if (nice !== undefined && gateway.child.pid !== undefined) {
    setPriority(gateway.child.pid, Number(nice));
  }
  await waitFor(
    'the gateway to be ready',
    async () => {
      if (gateway.child.exitCode !== null) {
        throw new Error(`gateway exited with ${gateway.child.exitCode}:\n${gateway.output()}`);
      }
      const res = await httpRequest(`http://127.0.0.1:${opsPort}/readyz`, { timeoutMs: 3_000 });
      return res.status === 200 ? true : undefined;
    },
    60_000,
  );

  let floorPid: number | undefined;
  let floorOrigin = '';
  if (FLOOR_INSIDE) {
    // Same process, same event loop: any gap left between this floor and the gateway is the
    // front door's own code; a gap between this floor and the separate one is the process.
    floorPid = gateway.child.pid;
    floorOrigin = `http://127.0.0.1:${floorPort}`;
  } else if (FLOOR) {
    // The gateway's flags: the two processes differ only in what they do per request.
    const floor = spawn(process.execPath, [...nodeFlags, floorModule], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', ...floorEnv, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => floor.once('exit', resolve));
    cleanups.push(async () => {
      if (floor.exitCode === null && floor.signalCode === null) floor.kill('SIGTERM');
      const killer = setTimeout(() => floor.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    });
    await new Promise<void>((resolve, reject) => {
      floor.stdout.once('data', () => resolve());
      floor.once('exit', (code) => reject(new Error(`the floor proxy exited with ${code}`)));
    });
    if (nice !== undefined && floor.pid !== undefined) setPriority(floor.pid, Number(nice));
    floorPid = floor.pid;
    floorOrigin = `http://127.0.0.1:${floorPort}`;
  }

  const gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  // Browsers send the app's own cookies too: the gateway strips only its own.
  const cookie = `${await accessCookie(gatewayOrigin, environment.id)}; app_session=1; theme=dark`;
  const targets: Record<TargetName, OpenLoopTarget> = {
    direct: {
      origin: `http://${app.address}:${app.port}`,
      path: '/api/items?page=1',
      headers: { host: HOSTNAME, cookie: 'app_session=1; theme=dark', accept: '*/*' },
      agent: keepAliveAgent(),
    },
    gateway: {
      origin: gatewayOrigin,
      path: '/api/items?page=1',
      headers: { host: HOSTNAME, cookie, accept: '*/*' },
      agent: keepAliveAgent(),
    },
    // The gateway's request, cookie included: the floor forwards it all without looking.
    floor: {
      origin: floorOrigin,
      path: '/api/items?page=1',
      headers: { host: HOSTNAME, cookie, accept: '*/*' },
      agent: keepAliveAgent(),
    },
  };
  const names: TargetName[] = FLOOR ? ['direct', 'gateway', 'floor'] : ['direct', 'gateway'];
  const probe = await httpRequest(`${gatewayOrigin}/`, { headers: { host: HOSTNAME, cookie } });
  if (probe.status !== 200) {
    throw new Error(`a cookie-authenticated request got ${probe.status}: ${probe.body}`);
  }

  const loads: string[] = [await loadavg()];
  log(`warm-up: ${WARMUP_SECONDS} s at ${RATE}/s on each target (load ${loads[0]})`);
  for (const name of names) await openLoop(targets[name], RATE, WARMUP_SECONDS * 1000);
  await eventLoopDelay(opsPort); // resets the gateway's histogram: rounds start clean

  const results: Record<TargetName, OpenLoopResult[]> = { direct: [], gateway: [], floor: [] };
  const loopDelay: Array<{ p99_ms: number; max_ms: number }> = [];
  let rssMax = 0;
  let gatewayCpuMs = 0;
  let floorCpuMs = 0;
  const perRoundMs = (SECONDS * 1000) / ROUNDS;
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate which goes first (and, with two targets, alternate), so none always follows
    // another's leftovers.
    const first = i % names.length;
    const order = [...names.slice(first), ...names.slice(0, first)];
    for (const name of order) {
      if (name === 'gateway') await eventLoopDelay(opsPort);
      const cpuBefore = await cpuMs(gateway.child.pid);
      const floorCpuBefore = await cpuMs(floorPid);
      const result = await openLoop(targets[name], RATE, perRoundMs);
      results[name].push(result);
      if (name === 'gateway') {
        gatewayCpuMs += (await cpuMs(gateway.child.pid)) - cpuBefore;
        loopDelay.push(await eventLoopDelay(opsPort));
        rssMax = Math.max(rssMax, await rssMb(gateway.child.pid));
      }
      if (name === 'floor') floorCpuMs += (await cpuMs(floorPid)) - floorCpuBefore;
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      log(
        `round ${i + 1}/${ROUNDS} ${name}: p50 ${round(percentile(sorted, 50))} ms, p99 ` +
          `${round(percentile(sorted, 99))} ms, errors ${result.errors}`,
      );
    }
    loads.push(await loadavg());
  }

  const direct = summary(results.direct);
  const through = summary(results.gateway);
  const floor = FLOOR ? summary(results.floor) : null;
  const samplesDir = `${root}.cache/bench`;
  await mkdir(samplesDir, { recursive: true });
  const samplesFile = `${samplesDir}/gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(
    samplesFile,
    JSON.stringify({
      direct_ms: direct.sorted,
      gateway_ms: through.sorted,
      ...(floor ? { floor_ms: floor.sorted } : {}),
      // When each round started (ms since the epoch), per target.
      started_at_ms: {
        direct: results.direct.map((r) => r.startedAtMs),
        gateway: results.gateway.map((r) => r.startedAtMs),
        ...(floor ? { floor: results.floor.map((r) => r.startedAtMs) } : {}),
      },
      // Per round, in due order: [ms since the round started, latency ms].
      timeline: {
        direct: results.direct.map((r) => r.timeline),
        gateway: results.gateway.map((r) => r.timeline),
        ...(floor ? { floor: results.floor.map((r) => r.timeline) } : {}),
      },
      gateway_event_loop: loopDelay,
    }),
  );
  console.log(
    JSON.stringify(
      {
        suite: 'gateway',
        upstream: `node → redis (${app.network}, container IP ${app.address}:${app.port})`,
        rate_per_s: RATE,
        gateway_nice: nice === undefined ? 0 : Number(nice),
        seconds_per_target: SECONDS,
        rounds: ROUNDS,
        ...(FLOOR ? { floor_forward: FLOOR_FORWARD, floor_inside_gateway: FLOOR_INSIDE } : {}),
        gateway_overhead_p50_ms: round(through.report.p50_ms - direct.report.p50_ms),
        gateway_overhead_p99_ms: round(through.report.p99_ms - direct.report.p99_ms),
        gateway_overhead_p999_ms: round(through.report.p999_ms - direct.report.p999_ms),
        // The same difference per round (each pair ran back to back): one side's stall in one
        // round moves the pooled figure above, so its spread and median are printed too.
        gateway_overhead_p99_ms_by_round: roundOverheads(results, 'gateway', 99),
        gateway_overhead_p99_ms_median_round: median(roundOverheads(results, 'gateway', 99)),
        // The floor: what the smallest Node proxy adds on the same host in the same rounds.
        ...(floor
          ? {
              floor_overhead_p50_ms: round(floor.report.p50_ms - direct.report.p50_ms),
              floor_overhead_p99_ms: round(floor.report.p99_ms - direct.report.p99_ms),
              floor_overhead_p999_ms: round(floor.report.p999_ms - direct.report.p999_ms),
              floor_overhead_p99_ms_by_round: roundOverheads(results, 'floor', 99),
              floor_overhead_p99_ms_median_round: median(roundOverheads(results, 'floor', 99)),
            }
          : {}),
        direct: direct.report,
        gateway: through.report,
        ...(floor ? { floor: floor.report } : {}),
        // Machine-load independent: what one proxied request costs the gateway (all threads).
        gateway_cpu_us_per_request: round((gatewayCpuMs * 1000) / Math.max(1, through.report.sent)),
        ...(floor
          ? {
              floor_cpu_us_per_request: round((floorCpuMs * 1000) / Math.max(1, floor.report.sent)),
              floor_rss_mb: await rssMb(floorPid),
            }
          : {}),
        gateway_rss_mb: await rssMb(gateway.child.pid),
        gateway_rss_max_mb: rssMax,
        gateway_event_loop: loopDelay,
        loadavg: { before: loads[0], rounds: loads.slice(1), after: await loadavg() },
        samples_file: samplesFile,
      },
      null,
      2,
    ),
  );
} catch (error) {
  console.error(`berth: [gateway] ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
  await prisma.$disconnect();
}
process.exit(exitCode);
