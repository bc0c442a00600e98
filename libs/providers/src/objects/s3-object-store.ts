import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  type ObjectLocation,
  type ObjectRead,
  type ObjectStore,
  ObjectStoreError,
  type ObjectStoreFailure,
} from './object-store.port.js';

export interface S3ObjectStoreOptions {
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>` (MinIO and most S3-compatible stores). */
  forcePathStyle: boolean;
}

/**
 * The S3 driver. Region, endpoint (AWS_ENDPOINT_URL_S3) and credentials come from the SDK's own
 * settings and default chain, as for Secrets Manager and Route 53: nothing of them is Berth's.
 */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  static fromEnvironment(options: S3ObjectStoreOptions): S3ObjectStore {
    return new S3ObjectStore(
      new S3Client({
        forcePathStyle: options.forcePathStyle,
        // Throttling (503 SlowDown) and 5xx are retried by the SDK with backoff.
        maxAttempts: 5,
        // Connecting is bounded; reading is not: the restore client pulls the body at its own
        // pace, and a socket idle while it applies a large table is not a failure.
        requestHandler: { connectionTimeout: 10_000 },
      }),
    );
  }

  async read({ bucket, key }: ObjectLocation): Promise<ObjectRead> {
    const where = `s3://${bucket}/${key}`;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new ObjectStoreError('unavailable', `${where}: the store sent no body`);
      // On Node the SDK's body is the response stream itself (an IncomingMessage).
      return { body: out.Body as Readable, bytes: out.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof ObjectStoreError) throw error;
      throw new ObjectStoreError(failureOf(error), `${where}: ${describe(error)}`);
    }
  }
}

function failureOf(error: unknown): ObjectStoreFailure {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    if (['NoSuchKey', 'NoSuchBucket', 'NotFound'].includes(error.name) || status === 404) {
      return 'missing';
    }
    if (error.name === 'AccessDenied' || status === 403 || status === 401) return 'denied';
    return 'unavailable';
  }
  // Raised by the SDK before any request: nothing to retry until the worker's settings change.
  const name = error instanceof Error ? error.name : '';
  if (name === 'CredentialsProviderError' || /Region is missing/.test(String(error))) {
    return 'unconfigured';
  }
  return 'unavailable';
}

function describe(error: unknown): string {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    return `${error.name}${status ? ` (HTTP ${status})` : ''}: ${error.message}`;
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
