/**
 * Where a registered snapshot's dump lives (issue 10 §4): a file in the worker's SNAPSHOT_DIR, or
 * an object in an S3(-compatible) store. Pure: parsing and validating what the operator typed, so
 * the CLI and the admin route refuse the same inputs with the same messages.
 */

export type SnapshotSource =
  { kind: 'file'; file: string } | { kind: 's3'; bucket: string; key: string };

export type Parsed<T> = { ok: T } | { error: string };

// S3's own bucket naming rules (3-63 chars, lowercase, digits, dots, hyphens); checking them here
// turns a typo into a refusal naming the field rather than a NoSuchBucket at restore time.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/key/with/slashes` → bucket and key; the field name is quoted in every error. */
export function parseS3Url(url: string, field = 's3'): Parsed<{ bucket: string; key: string }> {
  const match = /^s3:\/\/([^/]*)\/(.*)$/.exec(url.trim());
  if (!match) {
    return { error: `${field}: "${url}" is not an s3://bucket/key URL` };
  }
  const [, bucket = '', key = ''] = match;
  if (!BUCKET.test(bucket) || bucket.includes('..')) {
    return {
      error: `${field}: "${bucket}" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)`,
    };
  }
  if (key === '' || key.endsWith('/')) {
    return { error: `${field}: "${url}" names no object key (s3://${bucket}/<key>)` };
  }
  if (Buffer.byteLength(key, 'utf8') > 1024) {
    return { error: `${field}: the object key is longer than S3's 1024 bytes` };
  }
  return { ok: { bucket, key } };
}

/** Exactly one of `file` and `s3`, as `berth snapshot add --file|--s3` and the admin route take them. */
export function snapshotSourceOf(input: { file?: string; s3?: string }): Parsed<SnapshotSource> {
  const file = input.file?.trim();
  const s3 = input.s3?.trim();
  if (file && s3) return { error: 'file, s3: give exactly one of them, not both' };
  if (!file && !s3)
    return { error: 'file, s3: give exactly one of them (a dump file name or s3://bucket/key)' };
  if (s3) {
    const parsed = parseS3Url(s3);
    return 'error' in parsed ? parsed : { ok: { kind: 's3', ...parsed.ok } };
  }
  return { ok: { kind: 'file', file: file as string } };
}

/** How a source is shown to the operator (CLI list, refusals). */
export function describeSnapshotSource(source: SnapshotSource): string {
  return source.kind === 'file' ? source.file : `s3://${source.bucket}/${source.key}`;
}
