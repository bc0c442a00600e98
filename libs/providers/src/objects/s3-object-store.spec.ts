// The S3 driver against libs/testing's S3 emulator, through the official SDK: configured as the
// worker configures it (the SDK's own AWS_* settings), it streams an object and sorts failures
// into the operator's to fix and the ones that may pass.
import { createHash, randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { type S3Emulator, startS3Emulator } from '@berth/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreError } from './object-store.port.js';
import { S3ObjectStore } from './s3-object-store.js';

const KEY_ID = 'AKIDOBJECTSTORE';
let s3: S3Emulator;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

beforeAll(async () => {
  s3 = await startS3Emulator({ accessKeyId: KEY_ID });
  s3.createBucket('acme-dumps');
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
    delete saved[name];
  }
  s3.faults.clear();
});

afterAll(async () => {
  await s3?.close();
});

/** The worker's construction: the SDK reads region, endpoint and credentials from the environment. */
function workerStore(keyId = KEY_ID): S3ObjectStore {
  setEnv({
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_ACCESS_KEY_ID: keyId,
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_PROFILE: undefined,
  });
  return S3ObjectStore.fromEnvironment({ forcePathStyle: true });
}

async function failureOf(promise: Promise<unknown>): Promise<ObjectStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ObjectStoreError);
  return error as ObjectStoreError;
}

describe('S3ObjectStore', () => {
  it('streams an object with its size, keys with slashes and spaces included', async () => {
    const body = randomBytes(3 * 1_048_576 + 17);
    await s3.putObject('acme-dumps', 'nightly/shop 2026.sql.gz', body);
    const read = await workerStore().read({
      bucket: 'acme-dumps',
      key: 'nightly/shop 2026.sql.gz',
    });
    expect(read.bytes).toBe(body.length);
    const hash = createHash('sha256');
    for await (const chunk of read.body) hash.update(chunk as Buffer);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('says a missing key or bucket is missing, naming s3://bucket/key', async () => {
    const key = await failureOf(workerStore().read({ bucket: 'acme-dumps', key: 'nope.sql' }));
    expect(key.failure).toBe('missing');
    expect(key.message).toMatch(/^s3:\/\/acme-dumps\/nope\.sql: NoSuchKey \(HTTP 404\)/);
    const bucket = await failureOf(workerStore().read({ bucket: 'other-dumps', key: 'a.sql' }));
    expect(bucket.failure).toBe('missing');
    expect(bucket.message).toMatch(/NoSuchBucket/);
  });

  it('says credentials that may not read it are denied', async () => {
    await s3.putObject('acme-dumps', 'a.sql', 'SELECT 1;\n');
    const denied = await failureOf(
      workerStore('AKIDSOMEONEELSE').read({ bucket: 'acme-dumps', key: 'a.sql' }),
    );
    expect(denied.failure).toBe('denied');
    expect(denied.message).toMatch(/AccessDenied \(HTTP 403\)/);
  });

  it('rides out throttling with the SDK’s retries', async () => {
    await s3.putObject('acme-dumps', 'b.sql', 'SELECT 2;\n');
    s3.faults.add('GetObject', 'throttle', 2);
    const read = await workerStore().read({ bucket: 'acme-dumps', key: 'b.sql' });
    expect(Buffer.concat(await read.body.toArray()).toString()).toBe('SELECT 2;\n');
    expect(s3.faults.remaining('GetObject')).toBe(0);
  });

  it('calls an unreachable store unavailable (the stage retries it)', async () => {
    // A port nothing listens on: the emulator's own, once closed.
    const gone = await startS3Emulator();
    await gone.close();
    const store = new S3ObjectStore(
      new S3Client({
        endpoint: gone.url,
        forcePathStyle: true,
        region: 'eu-west-1',
        credentials: { accessKeyId: KEY_ID, secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
    );
    const failure = await failureOf(store.read({ bucket: 'acme-dumps', key: 'a.sql' }));
    expect(failure.failure).toBe('unavailable');
    expect(failure.message).toMatch(/ECONNREFUSED/);
  });

  it('calls a worker with no region unconfigured', async () => {
    setEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined });
    const store = new S3ObjectStore(
      new S3Client({
        endpoint: s3.url,
        forcePathStyle: true,
        credentials: { accessKeyId: KEY_ID, secretAccessKey: 'secret' },
      }),
    );
    const failure = await failureOf(store.read({ bucket: 'acme-dumps', key: 'a.sql' }));
    expect(failure.failure).toBe('unconfigured');
  });
});
