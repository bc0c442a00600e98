// Real engine: execWithInput streams a dump into a database's own client inside its container
// (what db:snapshot restores with): the command sees EOF at the end of the input, large inputs
// arrive whole, a failing client reports its exit code and output, a stopped container throws.

import { Readable } from 'node:stream';
import { BASELINE_CAPABILITIES, restoreCommand } from '@berth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from './int-spec-support.js';

const POSTGRES_IMAGE = 'berth-fixture/postgres:15';
const MARIADB_IMAGE = 'berth-fixture/mariadb:10';

let env: TestEnv;
let pg: string;
let maria: string;

beforeAll(async () => {
  env = await testEnv();
  const network = env.name('net');
  await env.host.ensureNetwork({ name: network, labels: env.labels });
  pg = env.name('pg');
  maria = env.name('maria');
  await env.host.runContainer({
    name: pg,
    image: POSTGRES_IMAGE,
    env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'app-pw', POSTGRES_DB: 'app' },
    labels: env.labels,
    network: { name: network },
    capAdd: [...BASELINE_CAPABILITIES],
  });
  await env.host.runContainer({
    name: maria,
    image: MARIADB_IMAGE,
    env: { MARIADB_ROOT_PASSWORD: 'root-pw', MARIADB_DATABASE: 'shop' },
    labels: env.labels,
    network: { name: network },
    capAdd: [...BASELINE_CAPABILITIES],
  });
  await untilReady(pg, ['psql', '-U', 'app', '-d', 'app', '-tAc', 'SELECT 1']);
  await untilReady(maria, ['sh', '-c', 'MYSQL_PWD=root-pw mariadb -uroot -e "SELECT 1"']);
}, 180_000);

afterAll(async () => {
  await env?.cleanup();
});

async function untilReady(container: string, cmd: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await env.host.probeHealth(container, ['CMD', ...cmd], { timeoutMs: 5_000 });
    if (r.outcome === 'passed') return;
    if (Date.now() > deadline) throw new Error(`${container} not ready: ${r.output}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function query(container: string, cmd: string[]): Promise<string> {
  const r = await env.host.probeHealth(container, ['CMD', ...cmd], { timeoutMs: 30_000 });
  expect(r.outcome, r.output).toBe('passed');
  return r.output.trim();
}

/** A SQL script of `rows` inserts, generated as it is read (never whole in memory). */
function insertScript(table: string, rows: number): Readable {
  const filler = 'x'.repeat(200);
  async function* lines() {
    yield `CREATE TABLE ${table} (id integer PRIMARY KEY, note text);\n`;
    for (let i = 1; i <= rows; i += 500) {
      const values: string[] = [];
      for (let j = i; j < Math.min(i + 500, rows + 1); j++) values.push(`(${j}, '${filler}')`);
      yield `INSERT INTO ${table} VALUES ${values.join(',')};\n`;
    }
  }
  return Readable.from(lines());
}

describe('execWithInput', () => {
  it('streams a 20 MB script into psql and the command sees its end', async () => {
    const result = await env.host.execWithInput(pg, {
      cmd: restoreCommand('postgres', 'sql'),
      input: insertScript('orders', 100_000),
      timeoutMs: 120_000,
    });
    expect(result, result.output).toMatchObject({ exitCode: 0, timedOut: false });
    expect(
      await query(pg, ['psql', '-U', 'app', '-d', 'app', '-tAc', 'SELECT count(*) FROM orders']),
    ).toBe('100000');
  });

  it('reports a failing client with its exit code and error, and loads nothing (one transaction)', async () => {
    const script = Readable.from([
      'CREATE TABLE half (id integer);\nINSERT INTO half VALUES (1);\nINSERT INTO nowhere VALUES (1);\n',
    ]);
    const result = await env.host.execWithInput(pg, {
      cmd: restoreCommand('postgres', 'sql'),
      input: script,
      timeoutMs: 60_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain('relation "nowhere" does not exist');
    expect(
      await query(pg, [
        'psql',
        '-U',
        'app',
        '-d',
        'app',
        '-tAc',
        "SELECT to_regclass('half') IS NULL",
      ]),
    ).toBe('t');
  });

  it('restores a script into MariaDB with the credentials the container was started with', async () => {
    const result = await env.host.execWithInput(maria, {
      cmd: restoreCommand('mariadb', 'sql'),
      input: insertScript('items', 2_000),
      timeoutMs: 120_000,
    });
    expect(result, result.output).toMatchObject({ exitCode: 0, timedOut: false });
    expect(
      await query(maria, [
        'sh',
        '-c',
        'MYSQL_PWD=root-pw mariadb -uroot -N shop -e "SELECT count(*) FROM items"',
      ]),
    ).toBe('2000');
  });

  it('says when the input cannot be read', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('ENOENT: no such file'));
      },
    });
    const result = await env.host.execWithInput(pg, {
      cmd: ['cat'],
      input: broken,
      timeoutMs: 30_000,
    });
    expect(result.inputError).toContain('ENOENT');
  });

  it('throws for a container that is not running', async () => {
    await expect(
      env.host.execWithInput(env.name('missing'), {
        cmd: ['true'],
        input: Readable.from([]),
        timeoutMs: 5_000,
      }),
    ).rejects.toThrow(/not running/);
  });
});
