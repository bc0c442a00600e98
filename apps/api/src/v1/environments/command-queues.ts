import type { ApiConfig } from '@berth/config';
import {
  type ActionQueue,
  createActionQueue,
  createSleepQueue,
  createTtlQueue,
  type SleepQueue,
  type TtlQueue,
} from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { API_CONFIG, STORES } from '../../tokens.js';

/**
 * The queues REST actions are put on, one per Docker host: `actions-<host>` (redeploy, rebuild,
 * destroy), `ttl-<host>` (extend) and `sleep-<host>` (sleep, wake), for /api/v1 and /admin/v1
 * alike. Opened on first use, closed with the app.
 */
@Injectable()
export class CommandQueues implements OnModuleDestroy {
  private readonly actions = new Map<string, ActionQueue>();
  private readonly ttl = new Map<string, TtlQueue>();
  private readonly sleep = new Map<string, SleepQueue>();

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  action(host: string): ActionQueue {
    return this.open(this.actions, host, () =>
      createActionQueue(this.stores.redis, this.config.QUEUE_PREFIX, host),
    );
  }

  ttlQueue(host: string): TtlQueue {
    return this.open(this.ttl, host, () =>
      createTtlQueue(this.stores.redis, this.config.QUEUE_PREFIX, host),
    );
  }

  /** Sleep and wake (decision 0024): the sleep queue the admin route and gateways use. */
  sleepQueue(host: string): SleepQueue {
    return this.open(this.sleep, host, () =>
      createSleepQueue(this.stores.redis, this.config.QUEUE_PREFIX, host),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      [...this.actions.values(), ...this.ttl.values(), ...this.sleep.values()].map((q) =>
        q.close().catch(() => undefined),
      ),
    );
  }

  private open<Q extends { on(event: 'error', listener: () => void): unknown }>(
    cache: Map<string, Q>,
    host: string,
    create: () => Q,
  ): Q {
    let queue = cache.get(host);
    if (!queue) {
      queue = create();
      queue.on('error', () => undefined);
      cache.set(host, queue);
    }
    return queue;
  }
}
