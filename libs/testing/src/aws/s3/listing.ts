// ListObjectsV2: keys in UTF-8 binary order, paged by an opaque continuation token.
import { el, S3_NS } from './xml.js';
import type { StoredObject } from './store.js';

export function listObjectsV2(
  bucket: string,
  objects: Map<string, StoredObject>,
  query: URLSearchParams,
): string {
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Math.min(Number.parseInt(query.get('max-keys') ?? '1000', 10) || 1000, 1000);
  const token = query.get('continuation-token');
  const after = token
    ? Buffer.from(token, 'base64url').toString('utf8')
    : (query.get('start-after') ?? '');
  const keys = [...objects.keys()]
    .filter((k) => k.startsWith(prefix) && (after === '' || byteCompare(k, after) > 0))
    .sort(byteCompare);
  const page = keys.slice(0, maxKeys);
  const truncated = keys.length > page.length;
  const last = page.at(-1);
  const contents = page
    .map((key) => {
      const o = objects.get(key) as StoredObject; // from objects.keys() just above
      return `<Contents>${el('Key', key)}${el('LastModified', o.lastModified.toISOString())}${el('ETag', o.etag)}${el('Size', o.size)}${el('StorageClass', 'STANDARD')}</Contents>`;
    })
    .join('');
  return (
    `<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket)}${el('Prefix', prefix)}` +
    `${el('KeyCount', page.length)}${el('MaxKeys', maxKeys)}${el('IsTruncated', truncated)}` +
    (token ? el('ContinuationToken', token) : '') +
    (truncated && last !== undefined
      ? el('NextContinuationToken', Buffer.from(last, 'utf8').toString('base64url'))
      : '') +
    `${contents}</ListBucketResult>`
  );
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
