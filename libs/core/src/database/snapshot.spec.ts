import { describe, expect, it } from 'vitest';
import {
  chooseSnapshot,
  engineOfImage,
  type RegisteredSnapshot,
  restoreCommand,
  snapshotCovers,
  snapshotProblem,
} from './snapshot.js';
import type { SnapshotSource } from './snapshot-source.js';

const snap = (over: Partial<RegisteredSnapshot>): RegisteredSnapshot => ({
  name: 'prod',
  repository: 'acme/shop',
  engine: 'postgres',
  format: 'pg-custom',
  source: { kind: 'file', file: 'prod.dump' },
  sanitized: true,
  registeredAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('chooseSnapshot', () => {
  it('picks the newest sanitized snapshot the repository may use', () => {
    const choice = chooseSnapshot(
      [
        snap({ name: 'old', registeredAt: '2026-11-01T00:00:00.000Z' }),
        snap({ name: 'new', registeredAt: '2026-12-02T00:00:00.000Z' }),
        snap({ name: 'newest-raw', sanitized: false, registeredAt: '2026-12-03T00:00:00.000Z' }),
        snap({ name: 'other', repository: 'acme/blog', registeredAt: '2026-12-04T00:00:00.000Z' }),
      ],
      'Acme/Shop',
      'postgres',
    );
    expect(choice).toEqual({ snapshot: expect.objectContaining({ name: 'new' }) });
  });

  it('refuses when nothing is registered for the repository, saying how to register one', () => {
    const choice = chooseSnapshot([snap({ repository: 'acme/blog' })], 'acme/shop', 'postgres');
    expect(choice).toEqual({
      refusal: expect.stringMatching(
        /no snapshot is registered for acme\/shop.*berth snapshot add/,
      ),
    });
  });

  it('refuses a snapshot that is not registered as sanitized, naming it', () => {
    const choice = chooseSnapshot(
      [snap({ name: 'raw', sanitized: false })],
      'acme/shop',
      undefined,
    );
    expect(choice).toEqual({
      refusal: expect.stringMatching(/`raw` is not registered as sanitized.*--sanitized/),
    });
  });

  it('refuses a snapshot of another engine family, and takes MySQL dumps for MariaDB', () => {
    expect(chooseSnapshot([snap({})], 'acme/shop', 'mariadb')).toEqual({
      refusal: expect.stringMatching(/do not fit this database \(mariadb\)/),
    });
    expect(
      chooseSnapshot([snap({ engine: 'mysql', format: 'sql' })], 'acme/shop', 'mariadb'),
    ).toEqual({ snapshot: expect.objectContaining({ engine: 'mysql' }) });
  });

  it('matches owner wildcards and the global pattern', () => {
    expect(snapshotCovers('acme/*', 'acme/shop')).toBe(true);
    expect(snapshotCovers('acme/*', 'acmecorp/shop')).toBe(false);
    expect(snapshotCovers('*', 'x/y')).toBe(true);
    expect(snapshotCovers('acme/shop', 'acme/shop-2')).toBe(false);
  });
});

describe('engineOfImage', () => {
  it.each([
    ['postgres:16', 'postgres'],
    ['berth-fixture/postgres:15', 'postgres'],
    ['postgis/postgis:16-3.4', 'postgres'],
    ['mariadb:11', 'mariadb'],
    ['127.0.0.1:5000/team/mysql:8@sha256:abc', 'mysql'],
    ['redis:7', undefined],
    ['registry:5000/postgres-tools/app:1', undefined],
  ])('%s → %s', (image, engine) => {
    expect(engineOfImage(image)).toBe(engine);
  });
});

describe('snapshotProblem', () => {
  const valid = {
    name: 'prod-2026-12',
    repository: 'acme/*',
    engine: 'postgres',
    format: 'pg-custom',
    source: { kind: 'file', file: 'prod.dump' } as SnapshotSource,
  };

  it('accepts a valid registration', () => {
    expect(snapshotProblem(valid)).toBeUndefined();
  });

  it.each([
    [{ name: 'Prod dump' }, /^name:/],
    [{ repository: 'acme' }, /^repository:/],
    [{ engine: 'oracle' }, /^engine: must be one of postgres, mysql, mariadb/],
    [{ format: 'tar' }, /^format:/],
    [{ engine: 'mariadb' }, /^format: pg-custom is a Postgres format/],
    [{ source: { kind: 'file', file: '../etc/passwd' } }, /^file:/],
    [{ source: { kind: 'file', file: 'dir/prod.dump' } }, /^file:/],
  ])('names the field of %o', (patch, message) => {
    expect(snapshotProblem({ ...valid, ...patch } as typeof valid)).toMatch(message);
  });

  it('takes an object key with slashes: only a file name is confined to SNAPSHOT_DIR', () => {
    const source: SnapshotSource = { kind: 's3', bucket: 'acme-dumps', key: 'nightly/prod.dump' };
    expect(snapshotProblem({ ...valid, source })).toBeUndefined();
  });
});

describe('restoreCommand', () => {
  it('restores Postgres in one transaction with the container’s own user and database', () => {
    const [, , script] = restoreCommand('postgres', 'pg-custom');
    expect(script).toContain('pg_restore');
    expect(script).toContain('--single-transaction');
    expect(script).toContain('${POSTGRES_USER:-postgres}');
    expect(restoreCommand('postgres', 'sql')[2]).toContain('ON_ERROR_STOP=1');
  });

  it('keeps the MySQL password off the command line', () => {
    const [, , script] = restoreCommand('mariadb', 'sql');
    expect(script).toContain('MYSQL_PWD="$pw"');
    expect(script).not.toMatch(/-p"?\$/);
  });
});
