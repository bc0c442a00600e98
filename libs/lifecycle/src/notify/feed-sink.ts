// The REST API's change feed (decision 0030) is one more sink on the lifecycle event stream: each
// event is appended to a Redis stream that every api replica reads and relays over SSE. The api
// renders the environment as it is when it relays, so an entry carries ids only.

import type { LifecycleEvent } from '@berth/db';
import { FEED_MAX_ENTRIES, type FeedEntry, feedStreamKey } from '@berth/queue';
import type { Redis } from 'ioredis';

export interface FeedSinkDeps {
  redis: Redis;
  prefix: string;
  /** Bound of the stream (XADD MAXLEN ~); default FEED_MAX_ENTRIES. */
  maxEntries?: number;
}

export class FeedSink {
  constructor(private readonly deps: FeedSinkDeps) {}

  /**
   * A retried job appends the event again: readers see one more `environment` event with the
   * same (current) view, which is harmless, so no dedupe key is kept.
   */
  async deliver(event: LifecycleEvent): Promise<'delivered'> {
    const entry: FeedEntry = {
      environmentId: event.environmentId,
      eventId: event.id.toString(),
      kind: event.kind,
      generation: String(event.generation),
    };
    await this.deps.redis.xadd(
      feedStreamKey(this.deps.prefix),
      'MAXLEN',
      '~',
      String(this.deps.maxEntries ?? FEED_MAX_ENTRIES),
      '*',
      ...Object.entries(entry).flat(),
    );
    return 'delivered';
  }
}
