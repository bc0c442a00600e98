import type { Readable } from 'node:stream';

/** An object in a bucket, as the operator registered it (`s3://bucket/key`). */
export interface ObjectLocation {
  bucket: string;
  key: string;
}

export interface ObjectRead {
  /** The object's bytes, streamed: a 50 GB dump is never held in memory. */
  body: Readable;
  bytes: number;
}

/**
 * Why a read failed, so the caller can say what the operator does next: `missing` (no such
 * bucket or key), `denied` (the credentials may not read it) and `unconfigured` (no region or
 * no credentials on this worker) are the operator's to fix; `unavailable` (unreachable, or 5xx
 * after the SDK's retries) may pass on its own.
 */
export type ObjectStoreFailure = 'missing' | 'denied' | 'unconfigured' | 'unavailable';

export class ObjectStoreError extends Error {
  constructor(
    readonly failure: ObjectStoreFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ObjectStoreError';
  }
}

/** Reads operator-owned objects (db:snapshot dumps). Berth never writes to this store. */
export interface ObjectStore {
  read(location: ObjectLocation): Promise<ObjectRead>;
}
