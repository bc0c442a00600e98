// Suite `databases`: how long a PR's database branch takes. A base database (Postgres and
// MariaDB fixtures) is filled with about BENCH_DB_BASE_MB of table rows in a real container,
// which is then stopped: its volume is the base. Each run copies the base volume into a fresh PR
// volume with the driver's copyVolume (cp on the engine host; an archive stream for images
// without a shell), starts a database container on the copy and waits until it answers a real
// query (TCP connect to its address, then `SELECT count(*)` through docker exec). Then the same
// through the whole control plane on the shop (support/databases-through-berth.ts). Prints one
// JSON object on stdout:
//   db_branch_s / db_branch_mysql_s            copy start → query answered, median of the runs
//   db_branch_copy_s / db_branch_mysql_copy_s  copyVolume alone, median
//   base_bytes / base_bytes_mysql              bytes copied (the whole base volume)
//   db_snapshot_restore_s                      db:snapshot: a pg_dump -Fc (uncompressed) of the
//                                              Postgres base restored into a new database the way
//                                              the replicate stage does (server ready over TCP,
//                                              pg_restore through execWithInput), start → query
//                                              answered, median; snapshot_dump_bytes its size
//   db_snapshot_restore_s3_s                   the same dump read from S3 (libs/testing's emulator
//                                              on loopback, through S3ObjectStore and the SDK)
//   db_fresh_s, db_branch_berth_s, base_refresh_s   through Berth, on the shop (see that file)
//   push_in_place_s, push_beside_s, beside_pause_ms, beside_failed_requests   pushes to a PR:
//                                              in place, and beside the serving one (0040)
//   postgres, mariadb                          every run; the base's rows, table size and
//                                              write-ahead/redo log size (copied along)
// Progress goes to stderr. Everything it creates carries berth.bench=<run id> and is removed at
// the end, on failure and on SIGINT/SIGTERM. Env: BENCH_DB_RUNS (5), BENCH_DB_BASE_MB (50),
// BENCH_DB_POSTGRES_IMAGE, BENCH_DB_MARIADB_IMAGE (the fixtures).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BASELINE_CAPABILITIES, restoreCommand, serverReadyCommand } from '@berth/core';
import tar from 'tar-stream';
import { S3Client } from '@aws-sdk/client-s3';
import { type ContainerSpec, DockerContainerHost, S3ObjectStore } from '@berth/providers';
import { startS3Emulator } from '@berth/testing';
import { throughBerth } from './support/databases-through-berth.js';

// Compiled to dist/test/bench/: the repository root is three levels up.
const root = fileURLToPath(new URL('../../../', import.meta.url));

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${process.env[name]} must be a positive number`);
  }
  return value;
};
const RUNS = Math.round(num('BENCH_DB_RUNS', 5));
const BASE_MB = num('BENCH_DB_BASE_MB', 50);
const POSTGRES_IMAGE = process.env['BENCH_DB_POSTGRES_IMAGE'] ?? 'berth-fixture/postgres:15';
const MARIADB_IMAGE = process.env['BENCH_DB_MARIADB_IMAGE'] ?? 'berth-fixture/mariadb:10';
const READY_TIMEOUT_MS = 120_000;

const run = `dbbench${randomBytes(3).toString('hex')}`;
const labels = { 'berth.bench': run, 'berth.env': run };
const host = new DockerContainerHost();
const network = `${run}-net`;
const log = (line: string) => console.error(`berth: [databases] ${line}`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const seconds = (ms: number) => round(ms / 1000);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface Engine {
  key: 'postgres' | 'mariadb';
  image: string;
  port: number;
  dataDir: string;
  env: Record<string, string>;
  /** The client command that runs one statement and prints bare values. */
  query(sql: string): string[];
  createTable: string;
  /** Inserts `count` more rows after `from`. */
  insert(from: number, count: number): string;
  /** Bytes of the items table (data and indexes), as the engine reports them. */
  tableBytes: string;
  /** Run before the base container stops (Postgres: a checkpoint, so nothing is replayed). */
  settle?: string;
  /** Bytes of the write-ahead log directory, which the copy carries too. */
  walBytes?: string;
}

const POSTGRES: Engine = {
  key: 'postgres',
  image: POSTGRES_IMAGE,
  port: 5432,
  dataDir: '/var/lib/postgresql/data',
  env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'app-pw', POSTGRES_DB: 'app' },
  query: (sql) => [
    'psql',
    'postgresql://app:app-pw@127.0.0.1:5432/app',
    '-v',
    'ON_ERROR_STOP=1',
    '-tAc',
    sql,
  ],
  createTable: 'CREATE TABLE items (id bigint PRIMARY KEY, note text, created timestamptz)',
  insert: (from, count) =>
    `INSERT INTO items SELECT g, md5(g::text) || md5((g * 7)::text), now() ` +
    `FROM generate_series(${from + 1}, ${from + count}) g`,
  tableBytes: "SELECT pg_total_relation_size('items')",
  settle: 'CHECKPOINT',
  walBytes: 'SELECT sum(size) FROM pg_ls_waldir()',
};

const MARIADB: Engine = {
  key: 'mariadb',
  image: MARIADB_IMAGE,
  port: 3306,
  dataDir: '/var/lib/mysql',
  env: {
    MARIADB_ROOT_PASSWORD: 'root-pw',
    MARIADB_DATABASE: 'app',
    MARIADB_USER: 'app',
    MARIADB_PASSWORD: 'app-pw',
  },
  query: (sql) => ['mariadb', '-h', '127.0.0.1', '-uapp', '-papp-pw', 'app', '-N', '-e', sql],
  createTable:
    'CREATE TABLE items (id BIGINT PRIMARY KEY, note TEXT, created DATETIME) ENGINE=InnoDB',
  insert: (from, count) =>
    `INSERT INTO items SELECT seq, CONCAT(MD5(seq), MD5(seq * 7)), NOW() ` +
    `FROM seq_${from + 1}_to_${from + count}`,
  tableBytes:
    'ANALYZE TABLE items PERSISTENT FOR ALL; ' +
    'SELECT data_length + index_length FROM information_schema.tables ' +
    "WHERE table_schema = 'app' AND table_name = 'items'",
  // A clean shutdown (docker stop) flushes InnoDB; FLUSH TABLES would need RELOAD.
  walBytes: 'SELECT @@innodb_log_file_size',
};

function containerSpec(engine: Engine, name: string, volume: string): ContainerSpec {
  return {
    name,
    image: engine.image,
    env: engine.env,
    labels: { ...labels, 'berth.service': engine.key },
    network: { name: network },
    mounts: [{ volume, target: engine.dataDir }],
    // What Berth gives every service back: the entrypoints chown the data dir and drop to a user.
    capAdd: [...BASELINE_CAPABILITIES],
    limits: { memoryBytes: 1024 * 1024 * 1024, cpus: 2 },
  };
}

/** One statement in the container through the driver's exec; the output's lines. */
async function exec(container: string, cmd: string[], timeoutMs = 300_000): Promise<string[]> {
  const result = await host.probeHealth(container, ['CMD', ...cmd], { timeoutMs });
  if (result.outcome !== 'passed') {
    throw new Error(`${cmd[0]} in ${container}: ${result.outcome}: ${result.output.trim()}`);
  }
  return result.output.trim().split('\n').filter(Boolean);
}

/** Resolves once a TCP connection to ip:port opens (or rejects after one attempt). */
function tcpOpen(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Waits until the database accepts TCP and answers `sql` (one number); returns that number. */
async function untilAnswering(
  engine: Engine,
  container: string,
  sql = 'SELECT count(*) FROM items',
): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let ip: string | undefined;
  for (;;) {
    if (Date.now() > deadline) {
      const logs = await host.containerLogs(container, { tail: 30 }).catch(() => '');
      throw new Error(`${container} did not answer within ${READY_TIMEOUT_MS} ms\n${logs}`);
    }
    ip ??= (await host.inspectContainer(container))?.networks[network] || undefined;
    if (ip && (await tcpOpen(ip, engine.port))) {
      const result = await host.probeHealth(container, ['CMD', ...engine.query(sql)], {
        timeoutMs: 10_000,
      });
      const count = Number(result.output.trim());
      if (result.outcome === 'passed' && Number.isInteger(count)) return count;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface BaseInfo {
  volume: string;
  rows: number;
  tableBytes: number;
  walBytes: number | null;
  fillS: number;
}

async function buildBase(engine: Engine): Promise<BaseInfo> {
  const started = performance.now();
  const volume = `${run}-${engine.key}-base`;
  const container = `${run}-${engine.key}-base`;
  await host.ensureVolume({ name: volume, labels });
  await host.runContainer(containerSpec(engine, container, volume));
  await host.waitForContainer(container, { until: 'running', timeoutMs: 60_000 });
  await untilAnswering(engine, container, 'SELECT 1');
  await exec(container, engine.query(engine.createTable));
  const target = BASE_MB * 1024 * 1024;
  let rows = 0;
  let tableBytes = 0;
  // A first step measures the engine's bytes per row; later steps aim at the target with it.
  let step = 50_000;
  while (tableBytes < target * 0.97) {
    await exec(container, engine.query(engine.insert(rows, step)));
    rows += step;
    tableBytes = Number((await exec(container, engine.query(engine.tableBytes))).at(-1));
    log(`${engine.key} base: ${rows} rows, table ${(tableBytes / 1024 / 1024).toFixed(1)} MB`);
    step = Math.max(10_000, Math.ceil((target - tableBytes) / (tableBytes / rows)));
  }
  const walBytes = engine.walBytes
    ? Number((await exec(container, engine.query(engine.walBytes))).at(-1))
    : null;
  if (engine.settle) await exec(container, engine.query(engine.settle));
  await host.stopContainer(container, 60);
  await host.removeContainer(container);
  return { volume, rows, tableBytes, walBytes, fillS: seconds(performance.now() - started) };
}

interface BranchRun {
  branch_s: number;
  copy_s: number;
  start_to_answer_s: number;
  bytes: number;
  copy_mb_per_s: number;
}

async function branchOnce(engine: Engine, base: BaseInfo, index: number): Promise<BranchRun> {
  const volume = `${run}-${engine.key}-pr${index}`;
  const container = `${run}-${engine.key}-pr${index}`;
  const t0 = performance.now();
  const copy = await host.copyVolume({
    from: base.volume,
    to: volume,
    labels,
    image: engine.image,
  });
  const t1 = performance.now();
  await host.runContainer(containerSpec(engine, container, volume));
  const count = await untilAnswering(engine, container);
  const t2 = performance.now();
  if (count !== base.rows) {
    throw new Error(`${container} answered count ${count}, the base has ${base.rows} rows`);
  }
  await host.removeContainer(container);
  await host.removeVolume(volume);
  const result = {
    branch_s: seconds(t2 - t0),
    copy_s: seconds(t1 - t0),
    start_to_answer_s: seconds(t2 - t1),
    bytes: copy.bytes,
    copy_mb_per_s: round(copy.bytes / 1024 / 1024 / ((t1 - t0) / 1000)),
  };
  log(
    `${engine.key} run ${index + 1}/${RUNS}: branch ${result.branch_s} s ` +
      `(copy ${result.copy_s} s, ${(copy.bytes / 1024 / 1024).toFixed(1)} MB; ` +
      `start → answer ${result.start_to_answer_s} s)`,
  );
  return result;
}

async function benchEngine(engine: Engine) {
  log(`${engine.key}: building a ~${BASE_MB} MB base with ${engine.image}`);
  const base = await buildBase(engine);
  const runs: BranchRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await branchOnce(engine, base, i));
  const snapshot = engine.key === 'postgres' ? await benchSnapshot(base) : undefined;
  return {
    snapshot,
    branch_s: round(median(runs.map((r) => r.branch_s))),
    copy_s: round(median(runs.map((r) => r.copy_s))),
    base_bytes: runs[0]?.bytes ?? 0,
    detail: {
      image: engine.image,
      base_rows: base.rows,
      base_table_bytes: base.tableBytes,
      ...(base.walBytes !== null ? { base_wal_bytes: base.walBytes } : {}),
      base_fill_s: base.fillS,
      start_to_answer_s: round(median(runs.map((r) => r.start_to_answer_s))),
      runs,
    },
  };
}

/** A `pg_dump -Fc -Z0` of the base, taken from a copy of it, saved on this host. */
async function dumpBase(base: BaseInfo, dir: string): Promise<string> {
  const volume = `${run}-postgres-dumpsrc`;
  const container = `${run}-postgres-dumpsrc`;
  await host.copyVolume({ from: base.volume, to: volume, labels, image: POSTGRES.image });
  await host.runContainer(containerSpec(POSTGRES, container, volume));
  await untilAnswering(POSTGRES, container);
  await exec(container, [
    'sh',
    '-c',
    'pg_dump -Fc -Z0 --no-owner --no-privileges -U app -d app -f /tmp/base.dump',
  ]);
  const file = join(dir, 'base.dump');
  const archive = await host.docker.getContainer(container).getArchive({ path: '/tmp/base.dump' });
  const extract = tar.extract();
  const written = new Promise<void>((resolve, reject) => {
    extract.on('entry', (_header, stream, next) => {
      pipeline(stream, createWriteStream(file)).then(() => next(), reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.pipe(extract);
  await written;
  await host.removeContainer(container);
  await host.removeVolume(volume);
  return file;
}

interface RestoreRun {
  restore_s: number;
  start_to_ready_s: number;
  pg_restore_s: number;
}

async function restoreOnce(
  open: () => Promise<Readable>,
  rows: number,
  index: number,
  from: 'file' | 's3',
): Promise<RestoreRun> {
  const volume = `${run}-postgres-snap-${from}${index}`;
  const container = `${run}-postgres-snap-${from}${index}`;
  const t0 = performance.now();
  await host.ensureVolume({ name: volume, labels });
  await host.runContainer(containerSpec(POSTGRES, container, volume));
  for (;;) {
    const ready = await host.probeHealth(container, ['CMD', ...serverReadyCommand('postgres')], {
      timeoutMs: 5_000,
    });
    if (ready.outcome === 'passed') break;
    if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`${container} never ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const t1 = performance.now();
  const restored = await host.execWithInput(container, {
    cmd: restoreCommand('postgres', 'pg-custom'),
    // Opened once the server is up, as the replicate stage does.
    input: await open(),
    timeoutMs: 600_000,
  });
  if (restored.exitCode !== 0) {
    throw new Error(`pg_restore in ${container} exited ${restored.exitCode}: ${restored.output}`);
  }
  const count = await untilAnswering(POSTGRES, container);
  const t2 = performance.now();
  if (count !== rows) throw new Error(`${container} answered ${count} rows, the dump has ${rows}`);
  await host.removeContainer(container);
  await host.removeVolume(volume);
  const result = {
    restore_s: seconds(t2 - t0),
    start_to_ready_s: seconds(t1 - t0),
    pg_restore_s: seconds(t2 - t1),
  };
  log(
    `postgres snapshot (${from}) run ${index + 1}/${RUNS}: ${result.restore_s} s ` +
      `(server ready ${result.start_to_ready_s} s, restore → answer ${result.pg_restore_s} s)`,
  );
  return result;
}

async function benchSnapshot(base: BaseInfo) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-dbbench-'));
  try {
    const dump = await dumpBase(base, dir);
    const bytes = (await stat(dump)).size;
    log(`postgres snapshot: dump of ${(bytes / 1024 / 1024).toFixed(1)} MB (pg_dump -Fc -Z0)`);
    const runs: RestoreRun[] = [];
    const fromFile = async () => createReadStream(dump);
    for (let i = 0; i < RUNS; i++) runs.push(await restoreOnce(fromFile, base.rows, i, 'file'));
    const s3 = await startS3Emulator({ accessKeyId: 'AKIDBENCH' });
    const s3Runs: RestoreRun[] = [];
    try {
      s3.createBucket('bench-dumps');
      await s3.putObject('bench-dumps', 'base.dump', await readFile(dump));
      const store = new S3ObjectStore(
        new S3Client({
          endpoint: s3.url,
          forcePathStyle: true,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
        }),
      );
      const fromS3 = async () =>
        (await store.read({ bucket: 'bench-dumps', key: 'base.dump' })).body;
      for (let i = 0; i < RUNS; i++) s3Runs.push(await restoreOnce(fromS3, base.rows, i, 's3'));
    } finally {
      await s3.close();
    }
    return {
      restore_s: round(median(runs.map((r) => r.restore_s))),
      restore_s3_s: round(median(s3Runs.map((r) => r.restore_s))),
      dump_bytes: bytes,
      runs,
      s3_runs: s3Runs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  const found = await host.listByLabels({ 'berth.bench': run });
  for (const c of found.containers) await host.removeContainer(c.name).catch(() => undefined);
  for (const n of found.networks) await host.removeNetwork(n.name).catch(() => undefined);
  for (const v of found.volumes) await host.removeVolume(v.name).catch(() => undefined);
  const left = await host.listByLabels({ 'berth.bench': run });
  const count = left.containers.length + left.networks.length + left.volumes.length;
  log(count ? `cleanup left ${count} resources labelled berth.bench=${run}` : 'cleaned up');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  await host.ping();
  for (const image of [POSTGRES_IMAGE, MARIADB_IMAGE]) {
    if (!(await host.imageExists(image))) {
      throw new Error(`${image} is missing: run scripts/bootstrap/images.sh first`);
    }
  }
  await host.ensureNetwork({ name: network, labels });
  const loadBefore = (await readFile('/proc/loadavg', 'utf8')).trim();
  const pg = await benchEngine(POSTGRES);
  const my = await benchEngine(MARIADB);
  const berth = await throughBerth(root, log);
  const result = {
    db_branch_s: pg.branch_s,
    db_branch_copy_s: pg.copy_s,
    base_bytes: pg.base_bytes,
    db_branch_mysql_s: my.branch_s,
    db_branch_mysql_copy_s: my.copy_s,
    base_bytes_mysql: my.base_bytes,
    db_fresh_s: berth.db_fresh_s,
    db_branch_berth_s: berth.db_branch_berth_s,
    base_refresh_s: berth.base_refresh_s,
    push_in_place_s: berth.push_in_place_s,
    push_beside_s: berth.push_beside_s,
    beside_pause_ms: berth.beside_pause_ms,
    beside_failed_requests: berth.beside_failed_requests,
    db_snapshot_restore_s: pg.snapshot?.restore_s,
    db_snapshot_restore_s3_s: pg.snapshot?.restore_s3_s,
    snapshot_dump_bytes: pg.snapshot?.dump_bytes,
    snapshot_runs: pg.snapshot?.runs,
    snapshot_s3_runs: pg.snapshot?.s3_runs,
    through_berth: berth.detail,
    postgres: pg.detail,
    mariadb: my.detail,
    runs: RUNS,
    base_mb: BASE_MB,
    loadavg: { before: loadBefore, after: (await readFile('/proc/loadavg', 'utf8')).trim() },
    machine: { cores: cpus().length, node: process.version },
  };
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  exitCode = 1;
  console.error(`berth: bench failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanup().catch((error: unknown) => {
    exitCode = 1;
    log(`cleanup failed: ${(error as Error).message}`);
  });
}
process.exit(exitCode);
