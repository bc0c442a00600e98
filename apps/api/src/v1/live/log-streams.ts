import { randomUUID } from 'node:crypto';
import type { ApiConfig } from '@berth/config';
import {
  closeRedis,
  createRedis,
  type LogMessage,
  type LogRequest,
  logRequestChannel,
  logStreamChannel,
} from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_CONFIG, STORES } from '../../tokens.js';
import { ProblemException } from '../problem/problem.js';

export type LogStreamRequest = Omit<Extract<LogRequest, { type: 'start' }>, 'type' | 'requestId'>;

export interface OpenLogStream {
  requestId: string;
  /** Unsubscribes and tells the worker to stop (it also stops by itself: nobody receives). */
  close(): Promise<void>;
}

/**
 * The api's side of per-service logs (decision 0030). The api never opens Docker: it subscribes
 * to a channel of the request's own, then asks the workers of the environment's Docker host on
 * theirs; one worker claims the request and publishes the lines. One subscriber connection per
 * api process carries every open stream.
 */
@Injectable()
export class LogStreams implements OnModuleDestroy {
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, (message: LogMessage) => void>();

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async open(
    host: string,
    request: LogStreamRequest,
    onMessage: (message: LogMessage) => void,
  ): Promise<OpenLogStream> {
    const prefix = this.config.QUEUE_PREFIX;
    const requestId = randomUUID();
    const channel = logStreamChannel(prefix, requestId);
    const subscriber = this.connection();
    this.handlers.set(channel, onMessage);
    const close = async () => {
      if (!this.handlers.delete(channel)) return;
      await subscriber.unsubscribe(channel).catch(() => undefined);
      const stop: LogRequest = { type: 'stop', requestId };
      await this.stores.redis
        .publish(logRequestChannel(prefix, host), JSON.stringify(stop))
        .catch(() => undefined);
    };
    try {
      // Subscribed before asking: no line can come before someone listens.
      await subscriber.subscribe(channel);
      const start: LogRequest = { type: 'start', requestId, ...request };
      const workers = await this.stores.redis.publish(
        logRequestChannel(prefix, host),
        JSON.stringify(start),
      );
      if (workers === 0) {
        throw new ProblemException(
          'unavailable',
          503,
          `no worker drives Docker host ${host} now, so its logs cannot be read`,
          {
            fix: 'start a worker with the `stages` role and DOCKER_HOST_NAME for that host',
            headers: { 'Retry-After': '5' },
          },
        );
      }
    } catch (error) {
      await close();
      throw error;
    }
    return { requestId, close };
  }

  /** Streams open now (for tests and metrics). */
  get size(): number {
    return this.handlers.size;
  }

  async onModuleDestroy(): Promise<void> {
    this.handlers.clear();
    if (this.subscriber) await closeRedis(this.subscriber).catch(() => undefined);
  }

  private connection(): Redis {
    if (!this.subscriber) {
      const subscriber = createRedis(this.config.REDIS_URL, 'berth-api-logs');
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string, message: string) => {
        const handler = this.handlers.get(channel);
        if (!handler) return;
        try {
          handler(JSON.parse(message) as LogMessage);
        } catch {
          // Not ours to understand: dropped.
        }
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }
}
