// startS3Emulator: a loopback server speaking S3's REST-XML API (path-style addressing) for the
// official SDK client (`endpoint: emulator.url, forcePathStyle: true`), objects kept in a temp
// dir so snapshot-sized bodies stream through, with injectable faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { AwsFaultInjector, sleep, type FaultDecision } from '../shared/faults.js';
import { listen, newRequestId } from '../shared/http.js';
import { logEntry, type AwsRequestLogEntry } from '../shared/request-log.js';
import { readSigV4 } from '../shared/sigv4.js';
import { accessDenied, notImplemented, S3Error, serverFault, slowDown } from './errors.js';
import { listObjectsV2 } from './listing.js';
import { objectHeaders, putObject, sendObject } from './objects.js';
import { matchRoute, type S3Route } from './routes.js';
import { S3Store } from './store.js';
import { sendError, sendXml } from './xml.js';

export interface S3EmulatorOptions {
  port?: number;
  /** When set, any other SigV4 access key id gets 403 AccessDenied. */
  accessKeyId?: string;
}

/** What tests see of an object. */
export interface EmulatedObject {
  key: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: Date;
}

export type S3Emulator = Awaited<ReturnType<typeof startS3Emulator>>;

export async function startS3Emulator(options: S3EmulatorOptions = {}) {
  const store = await S3Store.create();
  const faults = new AwsFaultInjector();
  const requestLog: AwsRequestLogEntry[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = newRequestId();
    const entry = logEntry({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      requestId,
    });
    requestLog.push(entry);
    const fail = async (error: S3Error, injected = false): Promise<void> => {
      entry.status = error.status;
      entry.errorCode = error.code;
      entry.injected = injected;
      // Read what the client is still sending, so it sees the answer, not a reset connection.
      if (!req.readableEnded) {
        req.resume();
        await finished(req).catch(() => undefined);
      }
      sendError(res, error, requestId, method === 'HEAD');
    };

    const auth = readSigV4(req.headers, url.searchParams);
    if (auth.kind !== 'signed') return fail(accessDenied());
    entry.region = auth.scope.region;
    entry.accessKeyId = auth.scope.accessKeyId;
    if (options.accessKeyId !== undefined && auth.scope.accessKeyId !== options.accessKeyId) {
      return fail(accessDenied());
    }

    const route = matchRoute(method, url.pathname, url.searchParams);
    if (!route || req.headers['x-amz-copy-source'] !== undefined) {
      return fail(notImplemented(method, url.pathname));
    }
    entry.operation = route.operation;
    entry.input = {
      bucket: route.bucket,
      key: route.key,
      query: entry.query,
      contentEncoding: req.headers['content-encoding'],
    };

    const decision = faults.take(route.operation);
    if (decision) {
      await sleep(decision.delayMs);
      const injected = faultError(decision);
      if (injected) return fail(injected, true);
    }

    try {
      await perform(route, req, res, url.searchParams, requestId, (status) => {
        entry.status = status;
      });
    } catch (error) {
      if (error instanceof S3Error && !res.headersSent) return fail(error);
      throw error;
    }
  }

  async function perform(
    { operation, bucket, key }: S3Route,
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
    requestId: string,
    onHead: (status: number) => void,
  ): Promise<void> {
    const empty = (status: number, headers: Record<string, string | number> = {}): void => {
      onHead(status);
      res.writeHead(status, { 'x-amz-request-id': requestId, ...headers }).end();
    };
    switch (operation) {
      case 'CreateBucket':
        req.resume(); // an optional CreateBucketConfiguration (LocationConstraint): any region is fine
        await finished(req);
        store.createBucket(bucket);
        return empty(200, { location: `/${bucket}` });
      case 'HeadBucket':
        store.bucket(bucket);
        return empty(200);
      case 'DeleteBucket':
        store.deleteBucket(bucket);
        return empty(204);
      case 'ListObjectsV2':
        onHead(200);
        return sendXml(res, 200, listObjectsV2(bucket, store.bucket(bucket), query), requestId);
      case 'PutObject': {
        const stored = await putObject(store, bucket, key, req);
        return empty(200, { etag: stored.etag });
      }
      case 'GetObject':
        return sendObject(res, store.object(bucket, key), req.headers.range, requestId, onHead);
      case 'HeadObject':
        return empty(200, objectHeaders(store.object(bucket, key)));
      case 'DeleteObject':
        await store.delete(bucket, key);
        return empty(204);
    }
  }

  const server = await listen(options.port, handle);

  async function* once(body: Buffer): AsyncGenerator<Buffer> {
    yield body;
  }

  return {
    /** `endpoint` for `new S3Client({ endpoint, forcePathStyle: true, region, credentials })`. */
    url: server.url,
    /** `faults.add('GetObject', 'throttle' | 500 | 503 | { delayMs }, times?)`. */
    faults,
    /** Every call, oldest first. */
    requestLog,
    clearRequests(): void {
      requestLog.length = 0;
    },
    /** Where object bodies live (removed on close). */
    dir: store.dir,

    createBucket(name: string): void {
      store.createBucket(name);
    },
    buckets(): string[] {
      return store.bucketNames();
    },
    /** Seeds an object directly (no HTTP), e.g. a snapshot dump the worker will download. */
    async putObject(
      bucket: string,
      key: string,
      body: Buffer | string,
      contentType = 'binary/octet-stream',
    ): Promise<EmulatedObject> {
      const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      return view(await store.put(bucket, key, once(data), contentType));
    },
    /** The bucket's objects in key order. */
    objects(bucket: string): EmulatedObject[] {
      return [...store.bucket(bucket).values()]
        .map(view)
        .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    },

    async close(): Promise<void> {
      await server.close();
      await store.destroy();
    },
  };
}

function view(o: EmulatedObject): EmulatedObject {
  return {
    key: o.key,
    size: o.size,
    etag: o.etag,
    contentType: o.contentType,
    lastModified: o.lastModified,
  };
}

function faultError(decision: FaultDecision): S3Error | undefined {
  const { fault } = decision;
  if (typeof fault === 'object') return undefined; // a slow answer, then the real one
  if (fault === 'throttle') return slowDown();
  return serverFault(fault);
}
