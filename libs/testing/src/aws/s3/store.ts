// Buckets and objects, object bodies in files under a per-emulator temp dir so multi-MB
// snapshots are streamed, never held in memory.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { bucketAlreadyOwnedByYou, bucketNotEmpty, noSuchBucket, noSuchKey } from './errors.js';

export interface StoredObject {
  key: string;
  file: string;
  size: number;
  /** Quoted md5 hex, as S3 answers it for single-part uploads. */
  etag: string;
  contentType: string;
  lastModified: Date;
}

export class S3Store {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  private constructor(readonly dir: string) {}

  static async create(): Promise<S3Store> {
    return new S3Store(await mkdtemp(join(tmpdir(), 'berth-s3-')));
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort();
  }

  createBucket(name: string): void {
    if (this.buckets.has(name)) throw bucketAlreadyOwnedByYou(name);
    this.buckets.set(name, new Map());
  }

  bucket(name: string): Map<string, StoredObject> {
    const found = this.buckets.get(name);
    if (!found) throw noSuchBucket(name);
    return found;
  }

  deleteBucket(name: string): void {
    if (this.bucket(name).size > 0) throw bucketNotEmpty(name);
    this.buckets.delete(name);
  }

  object(bucket: string, key: string): StoredObject {
    const found = this.bucket(bucket).get(key);
    if (!found) throw noSuchKey(key);
    return found;
  }

  /** Streams `body` to a new file; the object appears only once fully written (as on S3). */
  async put(
    bucket: string,
    key: string,
    body: AsyncIterable<Buffer>,
    contentType: string,
  ): Promise<StoredObject> {
    const objects = this.bucket(bucket);
    const file = join(this.dir, randomUUID());
    const md5 = createHash('md5');
    let size = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of body) {
        md5.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    }
    try {
      await pipeline(counted, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    const stored: StoredObject = {
      key,
      file,
      size,
      etag: `"${md5.digest('hex')}"`,
      contentType,
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000), // S3 dates have second precision
    };
    const previous = objects.get(key);
    objects.set(key, stored);
    if (previous) await unlink(previous.file).catch(() => undefined);
    return stored;
  }

  /** Deleting a missing key succeeds, as on S3. */
  async delete(bucket: string, key: string): Promise<void> {
    const objects = this.bucket(bucket);
    const found = objects.get(key);
    if (!found) return;
    objects.delete(key);
    await unlink(found.file).catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
