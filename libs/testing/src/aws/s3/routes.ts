// Maps a path-style request (`/{bucket}/{key…}`) to the S3 operation it names.

export type S3Operation =
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListObjectsV2'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject';

export interface S3Route {
  operation: S3Operation;
  bucket: string;
  /** URL-decoded; may contain `/`. */
  key: string;
}

// Sub-resources (`?acl`, `?uploads`, `?tagging`, …) are other operations we do not emulate.
const ALLOWED_QUERY = new Set([
  'list-type',
  'prefix',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'delimiter',
  'x-id',
]);

export function matchRoute(
  method: string,
  pathname: string,
  query: URLSearchParams,
): S3Route | undefined {
  const slash = pathname.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? pathname.slice(1) : pathname.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(pathname.slice(slash + 1));
  if (bucket === '') return undefined;
  for (const name of query.keys()) {
    if (!ALLOWED_QUERY.has(name) && !name.startsWith('X-Amz-')) return undefined;
  }
  if (key === '') {
    if (method === 'PUT') return { operation: 'CreateBucket', bucket, key };
    if (method === 'HEAD') return { operation: 'HeadBucket', bucket, key };
    if (method === 'DELETE') return { operation: 'DeleteBucket', bucket, key };
    // Delimiter listings (CommonPrefixes) are not emulated.
    if (method === 'GET' && query.get('list-type') === '2' && !query.has('delimiter')) {
      return { operation: 'ListObjectsV2', bucket, key };
    }
    return undefined;
  }
  if (method === 'PUT' && !query.has('list-type')) return { operation: 'PutObject', bucket, key };
  if (method === 'GET') return { operation: 'GetObject', bucket, key };
  if (method === 'HEAD') return { operation: 'HeadObject', bucket, key };
  if (method === 'DELETE') return { operation: 'DeleteObject', bucket, key };
  return undefined;
}
