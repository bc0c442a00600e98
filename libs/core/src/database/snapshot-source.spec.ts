import { describe, expect, it } from 'vitest';
import { describeSnapshotSource, parseS3Url, snapshotSourceOf } from './snapshot-source.js';

describe('parseS3Url', () => {
  it('splits bucket and key, keeping slashes in the key', () => {
    expect(parseS3Url('s3://acme-dumps/nightly/shop.sql.gz')).toEqual({
      ok: { bucket: 'acme-dumps', key: 'nightly/shop.sql.gz' },
    });
  });

  it.each([
    ['https://acme-dumps/x.dump', 'is not an s3://bucket/key URL'],
    ['s3://acme-dumps', 'is not an s3://bucket/key URL'],
    ['s3://acme-dumps/', 'names no object key'],
    ['s3://acme-dumps/nightly/', 'names no object key'],
    ['s3://Acme_Dumps/x.dump', 'is not a valid S3 bucket name'],
    ['s3://ab/x.dump', 'is not a valid S3 bucket name'],
    ['s3://a..b/x.dump', 'is not a valid S3 bucket name'],
  ])('refuses %s naming the field', (url, message) => {
    const parsed = parseS3Url(url);
    expect(parsed).toEqual({ error: expect.stringContaining(message) });
    expect('error' in parsed && parsed.error.startsWith('s3: ')).toBe(true);
  });

  it('refuses a key longer than S3 allows', () => {
    expect(parseS3Url(`s3://acme-dumps/${'k'.repeat(1025)}`)).toEqual({
      error: expect.stringContaining('1024 bytes'),
    });
  });
});

describe('snapshotSourceOf', () => {
  it('takes a file or an object', () => {
    expect(snapshotSourceOf({ file: 'prod.dump' })).toEqual({
      ok: { kind: 'file', file: 'prod.dump' },
    });
    expect(snapshotSourceOf({ s3: 's3://acme-dumps/prod.dump' })).toEqual({
      ok: { kind: 's3', bucket: 'acme-dumps', key: 'prod.dump' },
    });
  });

  it('refuses both and neither, naming the fields', () => {
    expect(snapshotSourceOf({ file: 'a.dump', s3: 's3://acme-dumps/a.dump' })).toEqual({
      error: 'file, s3: give exactly one of them, not both',
    });
    expect(snapshotSourceOf({ file: ' ' })).toEqual({
      error: expect.stringContaining('file, s3: give exactly one'),
    });
  });

  it('passes on a bad URL refusal', () => {
    expect(snapshotSourceOf({ s3: 's3://acme-dumps/' })).toEqual({
      error: expect.stringContaining('s3: '),
    });
  });

  it('describes a source for the operator', () => {
    expect(describeSnapshotSource({ kind: 's3', bucket: 'b-1', key: 'k/x.sql' })).toBe(
      's3://b-1/k/x.sql',
    );
    expect(describeSnapshotSource({ kind: 'file', file: 'x.sql' })).toBe('x.sql');
  });
});
