import type { ApiConfig } from '@berth/config';
import { EnvironmentQueries } from '@berth/db';
import { closeRedis, createRedis, type FeedEntry, feedStreamKey } from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type EnvironmentDetail, environmentDetail } from '../../environments/environment-view.js';
import { API_CONFIG, STORES } from '../../tokens.js';

/** One change feed item: the stream entry's id (the SSE `id`) and the environment as it is now. */
export interface FeedItem {
  id: string;
  environment: EnvironmentDetail;
}

type Listener = (item: FeedItem) => void;

const BLOCK_MS = 5_000;
const BATCH = 100;
/** The most entries a `Last-Event-ID` resume replays. */
export const FEED_RESUME_MAX = 1_000;

/**
 * The api's side of the change feed (decision 0030): one blocking XREAD per api process on the
 * stream the worker's `feed` sink appends to, fanned out to every open `/environments/events`.
 * Each entry is rendered once (the same view as `GET /environments/:id`), then each client
 * filters it by its token's restriction and its `repository=`.
 */
@Injectable()
export class ChangeFeed implements OnModuleDestroy {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly listeners = new Set<Listener>();
  private readonly environments: EnvironmentQueries;
  private readonly key: string;
  private reader: Redis | undefined;
  private starting: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.environments = new EnvironmentQueries(stores.prisma);
    this.key = feedStreamKey(config.QUEUE_PREFIX);
  }

  /** Calls `listener` with every new entry until the returned function is called. */
  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener);
    await this.start();
    return () => this.listeners.delete(listener);
  }

  /** Entries after `afterId` (exclusive), oldest first, rendered: a `Last-Event-ID` resume. */
  async since(afterId: string): Promise<FeedItem[]> {
    const entries = await this.stores.redis.xrange(
      this.key,
      `(${afterId}`,
      '+',
      'COUNT',
      FEED_RESUME_MAX,
    );
    return this.renderAll(entries);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    // A blocked XREAD ends when its connection goes.
    if (this.reader) this.reader.disconnect();
    await this.running?.catch(() => undefined);
    if (this.reader) await closeRedis(this.reader).catch(() => undefined);
  }

  /** The reader starts at the stream's end on first use and runs until the app closes. */
  private start(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.starting ??= (async () => {
      const [last] = await this.stores.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
      const reader = createRedis(this.config.REDIS_URL, 'berth-api-feed');
      reader.on('error', () => undefined);
      this.reader = reader;
      this.running = this.read(reader, last?.[0] ?? '0-0');
    })().catch((error: unknown) => {
      // The next subscriber tries again.
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  private async read(reader: Redis, from: string): Promise<void> {
    let lastId = from;
    while (!this.stopped) {
      try {
        const answer = await reader.xread(
          'COUNT',
          BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.key,
          lastId,
        );
        const entries = answer?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        lastId = entries.at(-1)![0];
        if (this.listeners.size === 0) continue;
        for (const item of await this.renderAll(entries)) {
          for (const listener of this.listeners) listener(item);
        }
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`change feed read failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Renders each entry (the newest view of its environment); one gone since is left out. */
  private async renderAll(entries: [string, string[]][]): Promise<FeedItem[]> {
    const items: FeedItem[] = [];
    for (const [id, fields] of entries) {
      const entry = fieldsOf(fields);
      if (!entry.environmentId) continue;
      const env = await this.environments.find(entry.environmentId);
      if (!env) continue;
      const revision = await this.environments.revisionWithRuns(env.id, env.generation);
      items.push({ id, environment: environmentDetail(env, revision) });
    }
    return items;
  }
}

function fieldsOf(fields: string[]): Partial<FeedEntry> {
  const entry: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!] = fields[i + 1]!;
  return entry;
}
