// Real engine: copyVolume branches a stopped database's volume into a new one (Postgres and
// MariaDB fixtures), keeping owners and modes, the volume root's included; the branch and its
// base are independent afterwards; a non-empty target and a live source are refused.

import { statSync } from 'node:fs';
import { BASELINE_CAPABILITIES } from '@berth/core';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContainerSpec } from '../container-host.port.js';
import { VOLUME_COPY_HELPER_LABEL } from './docker-volume-copy.js';
import { testEnv, type TestEnv } from './int-spec-support.js';

const POSTGRES_IMAGE = 'berth-fixture/postgres:15';
const MARIADB_IMAGE = 'berth-fixture/mariadb:10';
const PG_URL = 'postgresql://app:app-pw@127.0.0.1:5432/app';

let env: TestEnv;
let network: string;

beforeAll(async () => {
  env = await testEnv();
  for (const image of [POSTGRES_IMAGE, MARIADB_IMAGE]) {
    if (!(await env.host.imageExists(image))) {
      throw new Error(`${image} is missing: run scripts/bootstrap/images.sh first`);
    }
  }
  network = env.name('net');
  await env.host.ensureNetwork({ name: network, labels: env.labels });
});

afterAll(async () => {
  await env?.cleanup();
});

function dbSpec(
  service: string,
  image: string,
  volume: string,
  target: string,
  envVars: Record<string, string>,
): ContainerSpec {
  return {
    name: env.name(service),
    image,
    env: envVars,
    labels: { ...env.labels, 'berth.service': service },
    network: { name: network },
    mounts: [{ volume, target }],
    capAdd: [...BASELINE_CAPABILITIES],
  };
}

const postgres = (service: string, volume: string) =>
  dbSpec(service, POSTGRES_IMAGE, volume, '/var/lib/postgresql/data', {
    POSTGRES_USER: 'app',
    POSTGRES_PASSWORD: 'app-pw',
    POSTGRES_DB: 'app',
  });

const mariadb = (service: string, volume: string) =>
  dbSpec(service, MARIADB_IMAGE, volume, '/var/lib/mysql', {
    MARIADB_ROOT_PASSWORD: 'root-pw',
    MARIADB_DATABASE: 'shop',
    MARIADB_USER: 'user',
    MARIADB_PASSWORD: 'user-pw',
  });

/** Runs a command in the container through the driver's exec; throws on a non-zero exit. */
async function run(container: string, cmd: string[], timeoutMs = 30_000): Promise<string> {
  const result = await env.host.probeHealth(container, ['CMD', ...cmd], { timeoutMs });
  if (result.outcome !== 'passed') {
    throw new Error(`${cmd.join(' ')} in ${container}: ${result.outcome}\n${result.output}`);
  }
  return result.output.trim();
}

async function untilReady(container: string, cmd: string[], timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await env.host.probeHealth(container, ['CMD', ...cmd], { timeoutMs: 5_000 });
    if (result.outcome === 'passed') return;
    if (Date.now() > deadline) {
      const logs = await env.host.containerLogs(container, { tail: 30 });
      throw new Error(`${container} not ready: ${result.outcome} ${result.output}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const psql = (container: string, sql: string) =>
  run(container, ['psql', PG_URL, '-v', 'ON_ERROR_STOP=1', '-tAc', sql]);
const pgReady = (container: string) => untilReady(container, ['psql', PG_URL, '-tAc', 'SELECT 1']);
const sql = (container: string, query: string) =>
  run(container, ['mariadb', '-h', '127.0.0.1', '-uuser', '-puser-pw', 'shop', '-N', '-e', query]);
const mariadbReady = (container: string) =>
  untilReady(container, ['mariadb', '-h', '127.0.0.1', '-uuser', '-puser-pw', '-e', 'SELECT 1']);

async function mountpoint(volume: string): Promise<string> {
  const info = (await env.host.docker.getVolume(volume).inspect()) as { Mountpoint: string };
  return info.Mountpoint;
}

/** uid:gid and permission bits of a path on the engine host (these tests run beside it). */
function owner(path: string): string {
  const s = statSync(path);
  return `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8)}`;
}

describe('copyVolume (Postgres)', () => {
  const base = () => env.name('pg-base');
  const branch = () => env.name('pg-branch');
  const a = () => env.name('pg-a');
  const b = () => env.name('pg-b');

  it('refuses a source that a running container uses', async () => {
    await env.host.ensureVolume({ name: base(), labels: env.labels });
    await env.host.runContainer(postgres('pg-a', base()));
    await pgReady(a());
    await psql(a(), 'CREATE TABLE items (id int PRIMARY KEY, note text)');
    await psql(a(), "INSERT INTO items SELECT g, 'base ' || g FROM generate_series(1, 1000) g");
    await expect(
      env.host.copyVolume({
        from: base(),
        to: branch(),
        labels: env.labels,
        image: POSTGRES_IMAGE,
      }),
    ).rejects.toThrow(/in use by running container .*pg-a.*stop or pause it first/);
    // Nothing was created for the refused copy.
    const found = await env.host.listByLabels({ 'berth.env': env.id });
    expect(found.volumes.map((v) => v.name)).not.toContain(branch());
  });

  it('copies a stopped cluster with owners and modes, root included; Postgres starts on it', async () => {
    await env.host.stopContainer(a());
    await env.host.stopContainer(a()); // already stopped: fine
    expect((await env.host.inspectContainer(a()))?.running).toBe(false);

    const result = await env.host.copyVolume({
      from: base(),
      to: branch(),
      labels: env.labels,
      image: POSTGRES_IMAGE,
    });
    expect(result.bytes).toBeGreaterThan(20 * 1024 * 1024); // an initdb'd cluster is ~40 MB
    expect(result.ms).toBeGreaterThanOrEqual(0);

    // Checked before Postgres's entrypoint could chown/chmod anything on the copy.
    const [from, to] = [await mountpoint(base()), await mountpoint(branch())];
    expect(owner(to)).toBe('999:999 700');
    expect(owner(to)).toBe(owner(from));
    for (const file of ['PG_VERSION', 'global/pg_control', 'base', 'postgresql.conf']) {
      expect(owner(`${to}/${file}`)).toBe(owner(`${from}/${file}`));
    }
    const volume = await env.host.docker.getVolume(branch()).inspect();
    expect(volume.Labels).toMatchObject({ ...env.labels, 'berth.managed': 'true' });
    // The helpers are gone.
    const helpers = await env.host.docker.listContainers({
      all: true,
      filters: { label: [`berth.env=${env.id}`, VOLUME_COPY_HELPER_LABEL] },
    });
    expect(helpers).toEqual([]);

    await env.host.runContainer(postgres('pg-b', branch()));
    await pgReady(b());
    expect(await psql(b(), 'SELECT count(*) FROM items')).toBe('1000');
    expect(await psql(b(), 'SELECT note FROM items WHERE id = 7')).toBe('base 7');
  });

  it('keeps the branch and its base independent, both ways', async () => {
    await env.host.startContainer(a());
    await env.host.startContainer(a()); // already running: fine
    await pgReady(a());
    await psql(b(), "INSERT INTO items VALUES (5001, 'branch only')");
    await psql(a(), "INSERT INTO items VALUES (9001, 'base only')");
    await psql(a(), 'DELETE FROM items WHERE id <= 10');
    expect(await psql(a(), 'SELECT count(*) FROM items')).toBe('991');
    expect(await psql(b(), 'SELECT count(*) FROM items')).toBe('1001');
    expect(await psql(a(), 'SELECT count(*) FROM items WHERE id = 5001')).toBe('0');
    expect(await psql(b(), 'SELECT count(*) FROM items WHERE id IN (1, 9001)')).toBe('1');
  });

  it('refuses to copy into a volume that has content, and leaves it as it was', async () => {
    await env.host.stopContainer(a(), 5);
    await env.host.stopContainer(b(), 5);
    await expect(
      env.host.copyVolume({
        from: base(),
        to: branch(),
        labels: env.labels,
        image: POSTGRES_IMAGE,
      }),
    ).rejects.toThrow(/already has content: copyVolume never merges/);
    await env.host.startContainer(b());
    await pgReady(b());
    expect(await psql(b(), 'SELECT count(*) FROM items')).toBe('1001');
  });

  it('copies into an existing empty volume; refuses a missing source', async () => {
    const empty = env.name('pg-empty');
    await env.host.ensureVolume({ name: empty, labels: env.labels });
    const copied = await env.host.copyVolume({
      from: base(),
      to: empty,
      labels: env.labels,
      image: POSTGRES_IMAGE,
    });
    expect(copied.bytes).toBeGreaterThan(0);
    expect(owner(await mountpoint(empty))).toBe('999:999 700');
    await expect(
      env.host.copyVolume({
        from: env.name('nope'),
        to: env.name('nope-copy'),
        labels: env.labels,
        image: POSTGRES_IMAGE,
      }),
    ).rejects.toThrow(/does not exist/);
  });

  it('copies a live cluster while its container is paused; Postgres recovers on the copy', async () => {
    // pg-b runs on the branch (started again above); writes just before the pause are in.
    await psql(b(), "INSERT INTO items VALUES (7001, 'before the pause')");
    expect(await env.host.pauseContainer(b())).toBe(true);
    expect(await env.host.pauseContainer(b())).toBe(false); // already paused: nothing to thaw
    expect(await env.host.pauseContainer(env.name('nope'))).toBe(false);
    const live = env.name('pg-live');
    try {
      // A paused user still counts as a user unless the caller says it paused it.
      await expect(
        env.host.copyVolume({
          from: branch(),
          to: live,
          labels: env.labels,
          image: POSTGRES_IMAGE,
        }),
      ).rejects.toThrow(/in use by running container/);
      const copied = await env.host.copyVolume({
        from: branch(),
        to: live,
        labels: env.labels,
        image: POSTGRES_IMAGE,
        pausedUsers: true,
      });
      expect(copied.bytes).toBeGreaterThan(20 * 1024 * 1024);
    } finally {
      await env.host.unpauseContainer(b());
    }
    await env.host.unpauseContainer(b()); // not paused: fine
    expect((await env.host.inspectContainer(b()))?.running).toBe(true);
    await psql(b(), "INSERT INTO items VALUES (7002, 'after the pause')");
    // The copy starts from what a crash at the pause would leave: recovered, not torn.
    await env.host.runContainer(postgres('pg-c', live));
    const c = env.name('pg-c');
    await pgReady(c);
    expect(await psql(c, 'SELECT count(*) FROM items WHERE id = 7001')).toBe('1');
    expect(await psql(c, 'SELECT count(*) FROM items WHERE id = 7002')).toBe('0');
    expect(await psql(c, 'SELECT count(*) FROM items')).toBe('1002');
  });
});

describe('copyVolume with an image that has no shell', () => {
  it('streams an archive through the engine instead, owners and modes kept', async () => {
    // An image holding one empty directory: no sh, no cp (like distroless or scratch images).
    const image = `berth-test/no-shell:${env.id.slice(0, 12).toLowerCase()}`;
    const pack = tar.pack();
    pack.entry({ name: 'empty', type: 'directory' });
    pack.finalize();
    const [repo, tag] = image.split(':') as [string, string];
    const stream = await env.host.docker.importImage(pack, { repo, tag });
    await new Promise((resolve, reject) =>
      env.host.docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(null))),
    );
    try {
      const to = env.name('pg-archive');
      const copied = await env.host.copyVolume({
        from: env.name('pg-base'),
        to,
        labels: env.labels,
        image,
      });
      expect(copied.bytes).toBeGreaterThan(20 * 1024 * 1024);
      const [from, copy] = [await mountpoint(env.name('pg-base')), await mountpoint(to)];
      expect(owner(copy)).toBe('999:999 700');
      for (const file of ['PG_VERSION', 'global/pg_control']) {
        expect(owner(`${copy}/${file}`)).toBe(owner(`${from}/${file}`));
      }
    } finally {
      await env.host.docker.getImage(image).remove({ force: true });
    }
  });
});

describe('stopContainer / startContainer', () => {
  it('stopping a missing container is fine; starting one is an error', async () => {
    await expect(env.host.stopContainer(env.name('missing'))).resolves.toBeUndefined();
    await expect(env.host.startContainer(env.name('missing'))).rejects.toThrow(
      /No container named .*missing.* to start/,
    );
  });
});

describe('copyVolume (MariaDB)', () => {
  it('branches a stopped MariaDB datadir; the data survives and the copy is independent', async () => {
    const base = env.name('my-base');
    const branch = env.name('my-branch');
    const [a, b] = [env.name('my-a'), env.name('my-b')];
    await env.host.ensureVolume({ name: base, labels: env.labels });
    await env.host.runContainer(mariadb('my-a', base));
    await mariadbReady(a);
    await sql(a, 'CREATE TABLE items (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB');
    await sql(a, "INSERT INTO items SELECT seq, CONCAT('base ', seq) FROM seq_1_to_500");
    await env.host.stopContainer(a);

    const result = await env.host.copyVolume({
      from: base,
      to: branch,
      labels: env.labels,
      image: MARIADB_IMAGE,
    });
    expect(result.bytes).toBeGreaterThan(1024 * 1024);
    expect(owner(await mountpoint(branch))).toBe(owner(await mountpoint(base)));
    expect(owner(`${await mountpoint(branch)}/shop`)).toMatch(/^999:999 /);

    await env.host.runContainer(mariadb('my-b', branch));
    await mariadbReady(b);
    expect(await sql(b, 'SELECT COUNT(*) FROM items')).toBe('500');
    expect(await sql(b, 'SELECT note FROM items WHERE id = 42')).toBe('base 42');
    await sql(b, "INSERT INTO items VALUES (1001, 'branch only')");

    await env.host.startContainer(a);
    await mariadbReady(a);
    expect(await sql(a, 'SELECT COUNT(*) FROM items')).toBe('500');
    await sql(a, 'DELETE FROM items WHERE id <= 100');
    expect(await sql(b, 'SELECT COUNT(*) FROM items')).toBe('501');
  });
});
