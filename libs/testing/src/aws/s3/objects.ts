// The object operations' HTTP shapes: PutObject's (maybe aws-chunked) body in, GetObject's
// streamed body (whole or one byte range) out.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { decodeAwsChunked } from './aws-chunked.js';
import { invalidRange } from './errors.js';
import type { S3Store, StoredObject } from './store.js';

export async function putObject(
  store: S3Store,
  bucket: string,
  key: string,
  req: IncomingMessage,
): Promise<StoredObject> {
  const encodings = (req.headers['content-encoding'] ?? '').split(',').map((e) => e.trim());
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  const chunked = encodings.includes('aws-chunked') || sha.startsWith('STREAMING-');
  const body: AsyncIterable<Buffer> = chunked
    ? decodeAwsChunked(req as AsyncIterable<Buffer>)
    : (req as AsyncIterable<Buffer>);
  const contentType = req.headers['content-type'] ?? 'binary/octet-stream';
  return store.put(bucket, key, body, contentType);
}

export function objectHeaders(o: StoredObject): Record<string, string | number> {
  return {
    'content-type': o.contentType,
    'content-length': o.size,
    etag: o.etag,
    'last-modified': o.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
  };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else is ignored (whole object), as S3 does. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) throw invalidRange();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) throw invalidRange();
  return { start, end: to === '' ? size - 1 : Math.min(Number(to), size - 1) };
}

export async function sendObject(
  res: ServerResponse,
  o: StoredObject,
  rangeHeader: string | undefined,
  requestId: string,
  onHead: (status: number) => void,
): Promise<void> {
  const range = parseRange(rangeHeader, o.size);
  const headers = { ...objectHeaders(o), 'x-amz-request-id': requestId };
  if (!range) {
    onHead(200);
    res.writeHead(200, headers);
    await pipeline(createReadStream(o.file), res);
    return;
  }
  onHead(206);
  res.writeHead(206, {
    ...headers,
    'content-length': range.end - range.start + 1,
    'content-range': `bytes ${range.start}-${range.end}/${o.size}`,
  });
  await pipeline(createReadStream(o.file, { start: range.start, end: range.end }), res);
}
