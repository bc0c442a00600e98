import { ROUTES_CHANNEL } from '@berth/queue';
import type { Redis } from 'ioredis';

export interface RouteInvalidationOptions {
  /** A connection of its own: a subscribed ioredis client can run no other commands. */
  subscriber: Redis;
  invalidate: (hostname: string) => void;
}

/**
 * Listens on ROUTES_CHANNEL (message = a hostname, or `*` for all). Every (re)connect drops the
 * whole cache: invalidations published while disconnected are lost, not queued. Resolves once
 * subscribed; ioredis resubscribes by itself after a reconnect.
 */
export async function subscribeToRouteChanges(options: RouteInvalidationOptions): Promise<void> {
  const { subscriber, invalidate } = options;
  subscriber.on('ready', () => invalidate('*'));
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === ROUTES_CHANNEL) invalidate(message.trim());
  });
  await subscriber.subscribe(ROUTES_CHANNEL);
}
