// db:snapshot on the shop, through the whole control plane (issue 10): a PR asking for a snapshot
// is refused, with the reason on the PR, while none is registered for its repository and while
// the only one is not registered as sanitized. Once a sanitized dump with masking SQL is
// registered, a push restores it into the PR's own new database, masked before the app starts,
// and migrations run on top. Berth never connects to the "production" database: the dump is a
// file in SNAPSHOT_DIR, or an object in S3 (here the S3 emulator, read by the worker through the
// official SDK): a registered object that is missing fails the PR with its bucket and key.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import {
  type ControlPlane,
  type PullRecord,
  type S3Emulator,
  startS3Emulator,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  commentMatching,
  execIn,
  serviceContainer,
  startPlane,
  uniqueRepoName,
} from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
const suffix = name.slice(-8).replace(/[^a-z0-9]/g, '');
let plane: ControlPlane;
const commentOf = (pr: number, pattern: RegExp) => commentMatching(plane, repository, pr, pattern);
let prisma: PrismaClient;
let s3: S3Emulator;
const opened: PullRecord[] = [];
/** The "production" dump, gzipped: a file in SNAPSHOT_DIR first, then an S3 object. */
let dumpGz: Buffer;

beforeAll(async () => {
  prisma = createPrismaClient(testServices().databaseUrl);
  s3 = await startS3Emulator({ accessKeyId: 'AKIDBERTHSNAPSHOTS' });
  plane = await startPlane(root, {
    // Only the worker reads object sources; the api holds no object-store credentials.
    worker: {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDBERTHSNAPSHOTS',
      AWS_SECRET_ACCESS_KEY: 'berth-test-secret',
      AWS_ENDPOINT_URL_S3: s3.url,
      SNAPSHOT_S3_FORCE_PATH_STYLE: 'true',
    },
  });
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
}, 120_000);

afterAll(async () => {
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 })
      .catch(() => undefined);
  }
  await prisma?.databaseSnapshot.deleteMany({ where: { repository } });
  await plane?.stop();
  await s3?.close();
  await prisma?.$disconnect();
}, 300_000);

async function sql(pr: number, query: string): Promise<string> {
  const db = await serviceContainer(repository, pr, 'db');
  return (
    await execIn(db.Id, ['psql', '-h', '127.0.0.1', '-U', 'shop', '-d', 'shop', '-Atc', query])
  ).trim();
}

async function register(snapshot: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${plane.apiUrl}/admin/v1/snapshots/${snapshot}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${plane.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ repository, engine: 'postgres', ...body }),
  });
}

describe('db:snapshot', { timeout: 600_000 }, () => {
  let source: PullRecord;
  let pr: PullRecord;
  const raw = `raw-${suffix}`;
  const sanitized = `prod-${suffix}`;

  it('refuses db:snapshot while no snapshot is registered for the repository', async () => {
    pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/snapshot',
      title: 'snapshot',
      labels: ['db:snapshot'],
    });
    opened.push(pr);
    // The "production" data: another preview's database, with personal-looking emails.
    source = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/source',
      title: 'source',
      labels: ['db:fresh'],
    });
    opened.push(source);
    await plane.waitForState(repository, pr.number, 'failed', { timeoutMs: 300_000 });
    const comment = await commentOf(pr.number, /no snapshot is registered/);
    expect(comment).toContain(`db:snapshot: no snapshot is registered for ${repository}`);
    expect(comment).toContain('berth snapshot add');
  });

  it('refuses a snapshot that is not registered as sanitized', async () => {
    await plane.waitForState(repository, source.number, 'ready', { timeoutMs: 300_000 });
    await sql(
      source.number,
      "INSERT INTO orders (item, quantity, email) VALUES ('lamp', 1, 'alice@real.example'), ('desk', 2, 'bob@real.example')",
    );
    const db = await serviceContainer(repository, source.number, 'db');
    const dump = await execIn(db.Id, [
      'pg_dump',
      '-h',
      '127.0.0.1',
      '-U',
      'shop',
      '-d',
      'shop',
      '--no-owner',
      '--no-privileges',
    ]);
    expect(dump).toContain('alice@real.example');
    dumpGz = gzipSync(dump);
    await writeFile(join(plane.snapshotDir, 'shop.sql.gz'), dumpGz);

    // The api checks the file is there and names the field when it is not.
    const missing = await register(raw, {
      format: 'sql.gz',
      file: 'nope.sql.gz',
      sanitized: false,
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/file: nope\.sql\.gz is not a file in SNAPSHOT_DIR/);
    const unsanitized = await register(raw, {
      format: 'sql.gz',
      file: 'shop.sql.gz',
      sanitized: false,
    });
    expect(unsanitized.status, await unsanitized.text()).toBe(200);

    await plane.github.pushToPullRequest(pr, { 'changes/one.md': 'one\n' });
    await plane.waitForState(repository, pr.number, 'failed', {
      generation: 2,
      timeoutMs: 300_000,
    });
    const comment = await commentOf(pr.number, /not registered as sanitized/);
    expect(comment).toContain(`\`${raw}\` is not registered as sanitized`);
  });

  it('restores the newest sanitized snapshot, masked before the app sees it', async () => {
    const res = await register(sanitized, {
      format: 'sql.gz',
      file: 'shop.sql.gz',
      sanitized: true,
      maskSql: "UPDATE orders SET email = 'user' || id || '@masked.test';",
    });
    expect(res.status, await res.text()).toBe(200);

    await plane.github.pushToPullRequest(pr, { 'changes/two.md': 'two\n' });
    await plane.waitForState(repository, pr.number, 'ready', { generation: 3, timeoutMs: 300_000 });
    // Migrations ran on top (the api is up, and it needs the migrated schema); the data is the
    // source's, masked.
    expect(await sql(pr.number, 'SELECT item FROM orders ORDER BY id')).toBe('lamp\ndesk');
    expect(
      await sql(pr.number, "SELECT count(*) FROM orders WHERE email LIKE '%@real.example'"),
    ).toBe('0');
    expect(await sql(pr.number, 'SELECT email FROM orders ORDER BY id LIMIT 1')).toMatch(
      /^user\d+@masked\.test$/,
    );
    const comment = await commentOf(pr.number, /✅/);
    expect(comment).toMatch(
      new RegExp(`restored from snapshot \`${sanitized}\` \\(sanitized, masked`),
    );
    // The source was never touched.
    expect(
      await sql(source.number, "SELECT count(*) FROM orders WHERE email LIKE '%@real.example'"),
    ).toBe('2');
  });

  it('keeps the restored data across a push, and writes stay the PR’s own', async () => {
    await sql(
      pr.number,
      "INSERT INTO orders (item, quantity, email) VALUES ('chair', 1, 'c@x.test')",
    );
    await plane.github.pushToPullRequest(pr, { 'changes/three.md': 'three\n' });
    await plane.waitForState(repository, pr.number, 'ready', { generation: 4, timeoutMs: 300_000 });
    expect(await sql(pr.number, 'SELECT item FROM orders ORDER BY id')).toBe('lamp\ndesk\nchair');
    const comment = await commentOf(pr.number, /✅[\s\S]*generation 4 · Berth/);
    expect(comment).toMatch(
      new RegExp(`data kept \\(db:snapshot, restored from snapshot \`${sanitized}\`\\)`),
    );
    expect(await sql(source.number, 'SELECT item FROM orders ORDER BY id')).toBe('lamp\ndesk');
  });

  it('restores a dump kept in S3, after refusing while the object is missing', async () => {
    const bucket = 'acme-dumps';
    const key = `nightly/shop ${suffix}.sql.gz`;
    const fromS3 = `s3-${suffix}`;
    s3.createBucket(bucket);
    const res = await register(fromS3, {
      format: 'sql.gz',
      s3: `s3://${bucket}/${key}`,
      sanitized: true,
      maskSql: "UPDATE orders SET email = 'user' || id || '@s3-masked.test';",
    });
    expect(res.status, await res.text()).toBe(200);

    // The newest sanitized snapshot is now the object, which nobody uploaded yet.
    const third = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/from-s3',
      title: 'from s3',
      labels: ['db:snapshot'],
    });
    opened.push(third);
    await plane.waitForState(repository, third.number, 'failed', { timeoutMs: 300_000 });
    const refusal = await commentOf(third.number, /cannot read snapshot/);
    expect(refusal).toContain(
      `cannot read snapshot \`${fromS3}\` (s3://${bucket}/${key}: NoSuchKey`,
    );
    expect(refusal).toContain('the operator uploads it there');

    await s3.putObject(bucket, key, dumpGz);
    await plane.github.pushToPullRequest(third, { 'changes/s3.md': 's3\n' });
    await plane.waitForState(repository, third.number, 'ready', {
      generation: 2,
      timeoutMs: 300_000,
    });
    expect(await sql(third.number, 'SELECT item FROM orders ORDER BY id')).toBe('lamp\ndesk');
    expect(
      await sql(
        third.number,
        "SELECT count(*) FROM orders WHERE email NOT LIKE '%@s3-masked.test'",
      ),
    ).toBe('0');
    const comment = await commentOf(third.number, /✅/);
    // The failed first attempt had started an empty database: this one replaced it.
    expect(comment).toMatch(
      new RegExp(`replaced with snapshot \`${fromS3}\` \\(sanitized, masked`),
    );
    // The worker read it with its own credentials, through the SDK.
    expect(
      s3.requestLog.some((entry) => entry.operation === 'GetObject' && entry.status === 200),
    ).toBe(true);
  });
});
