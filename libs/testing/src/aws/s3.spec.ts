// The S3 emulator driven through the official SDK client, as the snapshot worker uses it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from './index.js';

const credentials = { accessKeyId: 'berth', secretAccessKey: 'secret' };
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function bodyOf(result: { Body?: unknown }): Promise<Buffer> {
  const body = result.Body as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function errorOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

describe('S3 emulator', () => {
  let s3: S3Emulator;
  let client: S3Client;
  const clientWith = (accessKeyId = credentials.accessKeyId): S3Client =>
    new S3Client({
      endpoint: s3.url,
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { ...credentials, accessKeyId },
    });

  beforeEach(async () => {
    s3 = await startS3Emulator({ accessKeyId: credentials.accessKeyId });
    client = clientWith();
    await client.send(new CreateBucketCommand({ Bucket: 'dumps' }));
  });
  afterEach(async () => {
    client.destroy();
    await s3.close();
    expect(existsSync(s3.dir)).toBe(false);
  });

  it('round-trips a multi-MB streamed body and a Buffer body', async () => {
    const big = randomBytes(8 * 1024 * 1024);
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'dumps',
        Key: 'pr-1/base.dump',
        Body: Readable.from([big.subarray(0, 3_000_000), big.subarray(3_000_000)]),
        ContentLength: big.length,
      }),
    );
    // The SDK streams a Readable as aws-chunked with a trailing checksum; the emulator decodes it.
    expect(s3.requestLog.at(-1)?.input).toMatchObject({ contentEncoding: 'aws-chunked' });
    expect(put.ETag).toBe(`"${createHash('md5').update(big).digest('hex')}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: 'dumps', Key: 'pr-1/base.dump' }));
    expect(got.ContentLength).toBe(big.length);
    expect(got.ETag).toBe(put.ETag);
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(sha256(await bodyOf(got))).toBe(sha256(big));

    await client.send(
      new PutObjectCommand({
        Bucket: 'dumps',
        Key: 'a dir/with spaces/ü.sql',
        Body: Buffer.from('select 1;'),
        ContentType: 'application/sql',
      }),
    );
    const small = await client.send(
      new GetObjectCommand({ Bucket: 'dumps', Key: 'a dir/with spaces/ü.sql' }),
    );
    expect(small.ContentType).toBe('application/sql');
    expect((await bodyOf(small)).toString()).toBe('select 1;');
    expect(s3.objects('dumps').map((o) => [o.key, o.size])).toEqual([
      ['a dir/with spaces/ü.sql', 9],
      ['pr-1/base.dump', big.length],
    ]);
  });

  it('answers HeadObject and ranged GETs for seeded objects', async () => {
    await s3.putObject('dumps', 'seed.sql', '0123456789');
    const head = await client.send(new HeadObjectCommand({ Bucket: 'dumps', Key: 'seed.sql' }));
    expect(head.ContentLength).toBe(10);
    expect(head.ETag).toBe(`"${createHash('md5').update('0123456789').digest('hex')}"`);
    const part = await client.send(
      new GetObjectCommand({ Bucket: 'dumps', Key: 'seed.sql', Range: 'bytes=2-5' }),
    );
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe('bytes 2-5/10');
    expect((await bodyOf(part)).toString()).toBe('2345');
  });

  it('lists by prefix in pages', async () => {
    for (const key of ['pr-1/a', 'pr-1/b', 'pr-1/c', 'pr-2/a'])
      await s3.putObject('dumps', key, key);
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: 'dumps',
          Prefix: 'pr-1/',
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      pages += 1;
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      expect(page.KeyCount).toBe(page.Contents?.length);
      expect(page.Contents?.[0]?.Size).toBe(6);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    expect(keys).toEqual(['pr-1/a', 'pr-1/b', 'pr-1/c']);
    expect(pages).toBe(2);
  });

  it('deletes objects and refuses to delete a non-empty bucket', async () => {
    await s3.putObject('dumps', 'x', 'x');
    const notEmpty = await errorOf(client.send(new DeleteBucketCommand({ Bucket: 'dumps' })));
    expect(notEmpty.name).toBe('BucketNotEmpty');
    expect(notEmpty.$metadata.httpStatusCode).toBe(409);
    const deleted = await client.send(new DeleteObjectCommand({ Bucket: 'dumps', Key: 'x' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await client.send(new DeleteBucketCommand({ Bucket: 'dumps' }));
    expect(s3.buckets()).toEqual([]);
  });

  it('maps missing keys and buckets to the SDK errors', async () => {
    const noKey = await errorOf(
      client.send(new GetObjectCommand({ Bucket: 'dumps', Key: 'nope' })),
    );
    expect(noKey.name).toBe('NoSuchKey');
    const headMissing = await errorOf(
      client.send(new HeadObjectCommand({ Bucket: 'dumps', Key: 'nope' })),
    );
    expect(headMissing.name).toBe('NotFound');
    const noBucket = await errorOf(client.send(new ListObjectsV2Command({ Bucket: 'missing' })));
    expect(noBucket.name).toBe('NoSuchBucket');
    const headBucket = await errorOf(client.send(new HeadBucketCommand({ Bucket: 'missing' })));
    expect(headBucket.name).toBe('NotFound');
  });

  it('denies a foreign access key', async () => {
    const other = clientWith('someone-else');
    const denied = await errorOf(other.send(new GetObjectCommand({ Bucket: 'dumps', Key: 'x' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    other.destroy();
    const unsigned = await fetch(`${s3.url}/dumps/x`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('retries an injected 500 on PutObject, reading the rejected body first', async () => {
    s3.faults.add('PutObject', 500);
    const body = randomBytes(256 * 1024);
    const put = await client.send(new PutObjectCommand({ Bucket: 'dumps', Key: 'p', Body: body }));
    expect(put.$metadata.attempts).toBe(2);
    expect(s3.objects('dumps')[0]?.size).toBe(body.length);
  });

  it('retries a SlowDown throttle to success', async () => {
    await s3.putObject('dumps', 'k', 'v');
    s3.faults.add('GetObject', 'throttle');
    const got = await client.send(new GetObjectCommand({ Bucket: 'dumps', Key: 'k' }));
    expect((await bodyOf(got)).toString()).toBe('v');
    expect(got.$metadata.attempts).toBe(2);
    expect(
      s3.requestLog.filter((e) => e.operation === 'GetObject').map((e) => [e.status, e.errorCode]),
    ).toEqual([
      [503, 'SlowDown'],
      [200, undefined],
    ]);
  });
});
