// `berth snapshot add|ls|rm` (in process) against the real api and database: a registration names
// the field it gets wrong, must say whether the dump is sanitized, and must point at a file that
// is in SNAPSHOT_DIR; the list shows the file's size and whether it would be refused.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { runCli } from '../../apps/cli/src/berth.js';

let api: ApiHarness;
let dir: string;
const run = randomBytes(3).toString('hex');
const repo = `clisnap${run}/shop`;
const name = `prod-${run}`;

async function berth(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { BERTH_API_URL: api.url, BERTH_ADMIN_TOKEN: ADMIN_TOKEN },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const add = (...extra: string[]) =>
  berth([
    'snapshot',
    'add',
    name,
    '--repo',
    repo,
    '--engine',
    'postgres',
    '--format',
    'pg-custom',
    '--file',
    'prod.dump',
    ...extra,
  ]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-snapshots-'));
  await writeFile(join(dir, 'prod.dump'), Buffer.alloc(2 * 1_048_576));
  await writeFile(join(dir, 'mask.sql'), "UPDATE users SET email = id || '@masked.test';\n");
  api = await startApi({ SNAPSHOT_DIR: dir });
});
afterAll(async () => {
  await api?.stores.prisma.databaseSnapshot.deleteMany({ where: { repository: repo } });
  await api?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('berth snapshot', () => {
  it('requires saying whether the dump is sanitized', async () => {
    const result = await add();
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--sanitized .* or --not-sanitized/);
  });

  it('names the field the api refuses', async () => {
    const engine = await berth([
      'snapshot',
      'add',
      name,
      '--repo',
      repo,
      '--engine',
      'oracle',
      '--format',
      'sql',
      '--file',
      'prod.dump',
      '--sanitized',
    ]);
    expect(engine.code).toBe(1);
    expect(engine.err).toMatch(/engine: must be one of postgres, mysql, mariadb/);
    const file = await berth([
      'snapshot',
      'add',
      name,
      '--repo',
      repo,
      '--engine',
      'postgres',
      '--format',
      'sql',
      '--file',
      '../prod.dump',
      '--sanitized',
    ]);
    expect(file.err).toMatch(/file: a file name inside the operator's SNAPSHOT_DIR/);
    const missing = await berth([
      'snapshot',
      'add',
      name,
      '--repo',
      repo,
      '--engine',
      'postgres',
      '--format',
      'sql',
      '--file',
      'other.dump',
      '--sanitized',
    ]);
    expect(missing.err).toMatch(/file: other\.dump is not a file in SNAPSHOT_DIR/);
  });

  it('takes an s3://bucket/key source instead of a file, exactly one of them', async () => {
    const common = ['--repo', repo, '--engine', 'postgres', '--format', 'sql', '--sanitized'];
    const both = await berth([
      'snapshot',
      'add',
      name,
      ...common,
      '--file',
      'prod.dump',
      '--s3',
      's3://acme-dumps/a.sql',
    ]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/exactly one of --file .* and --s3/);
    const bad = await berth(['snapshot', 'add', name, ...common, '--s3', 's3://Acme_Dumps/a.sql']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/s3: "Acme_Dumps" is not a valid S3 bucket name/);
    const noKey = await berth(['snapshot', 'add', name, ...common, '--s3', 's3://acme-dumps/']);
    expect(noKey.err).toMatch(/names no object key/);

    // The api holds no object-store credentials: the object is checked by the worker at restore.
    const added = await berth([
      'snapshot',
      'add',
      name,
      ...common,
      '--s3',
      's3://acme-dumps/nightly/shop.sql',
    ]);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(
      /postgres\/sql s3:\/\/acme-dumps\/nightly\/shop\.sql \(object\) sanitized/,
    );
    const row = await api.stores.prisma.databaseSnapshot.findUnique({ where: { name } });
    expect(row).toMatchObject({ file: null, s3Bucket: 'acme-dumps', s3Key: 'nightly/shop.sql' });
    // Registering the name again with a file replaces the object source.
    expect((await add('--sanitized')).code).toBe(0);
    expect(await api.stores.prisma.databaseSnapshot.findUnique({ where: { name } })).toMatchObject({
      file: 'prod.dump',
      s3Bucket: null,
      s3Key: null,
    });
    expect((await berth(['snapshot', 'rm', name])).code).toBe(0);
  });

  it('registers, lists and removes a snapshot, with its masking SQL', async () => {
    const added = await add('--sanitized', '--mask', join(dir, 'mask.sql'));
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(
      new RegExp(`${name} .*postgres/pg-custom prod\\.dump \\(2\\.0 MB\\) sanitized, masked`),
    );

    const listed = await berth(['snapshot', 'ls', '--json']);
    const mine = (JSON.parse(listed.out) as { name: string; maskSql?: string }[]).find(
      (s) => s.name === name,
    );
    expect(mine?.maskSql).toContain('@masked.test');

    // Registering the name again replaces it: here, withdrawing "sanitized".
    const raw = await add('--not-sanitized');
    expect(raw.out).toMatch(/NOT sanitized \(refused\)/);

    expect((await berth(['snapshot', 'rm', name])).code).toBe(0);
    const again = await berth(['snapshot', 'rm', name]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/no snapshot named/);
  });
});
