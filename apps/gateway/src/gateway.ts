import { once } from 'node:events';
import type { GatewayConfig } from '@berth/config';
import type { ReadinessCheck, RunningService } from '@berth/observability';
import { RouteStore, ShareLinkStore } from '@berth/db';
import {
  closeRedis,
  createRedis,
  createSleepQueue,
  requestWake,
  type SleepQueue,
  WAKE_ASK_INTERVAL_MS,
} from '@berth/queue';
import { openStores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import type { Logger as PinoLogger } from 'pino';
import { Logger } from 'nestjs-pino';
import { ipRanges } from './access/ip-ranges.js';
import {
  ShareLinkRevocations,
  subscribeToShareLinkRevocations,
} from './access/share-link-revocations.js';
import { answerUpstreamFailure, createFrontDoor } from './front-door.js';
import { GatewayOpsModule } from './gateway.module.js';
import { LastAccessRecorder } from './last-access.js';
import { createPreviewProxy } from './preview-proxy.js';
import { storeRouteLoader } from './routes/store-route-loader.js';
import { subscribeToRouteChanges } from './routes/route-invalidation.js';
import { RouteTable } from './routes/route-table.js';
import { startSso } from './sso/start-sso.js';
import { WakeDoor } from './wake/wake-door.js';

/** Start-up does not wait longer than this for Redis: /readyz reports it if it is down. */
const SUBSCRIBE_WAIT_MS = 3_000;

/**
 * Starts the ops endpoints and the public front door: routes from Postgres (cached, invalidated
 * over Redis), share-link access control, HTTP + WebSocket proxying to preview containers.
 */
export async function startGateway(
  config: GatewayConfig,
  logger: PinoLogger,
): Promise<RunningService> {
  const stores = openStores(config, 'berth-gateway');
  // The ops port comes up first (liveness during start-up); /readyz stays 503 until the public
  // port accepts connections, so nothing routes traffic to a gateway that would refuse it.
  let frontDoorListening = false;
  const checks: ReadinessCheck[] = [
    ...stores.checks,
    {
      name: 'front door',
      check: async () => {
        if (!frontDoorListening) {
          throw new Error(`port ${config.GATEWAY_PORT} is not listening yet (starting up)`);
        }
      },
    },
  ];
  const ops = await NestFactory.create(GatewayOpsModule.forRoot(config, checks), {
    bufferLogs: true,
  });
  ops.useLogger(ops.get(Logger));
  await ops.listen(config.GATEWAY_OPS_PORT, config.GATEWAY_OPS_HOST);

  const routeStore = new RouteStore(stores.prisma);
  const routes = new RouteTable({ load: storeRouteLoader(routeStore) });
  // Sleeping previews (decision 0024): a wake is a job on the environment's host's sleep queue.
  const sleepQueues = new Map<string, SleepQueue>();
  const sleepQueue = (host: string) => {
    let queue = sleepQueues.get(host);
    if (!queue) {
      queue = createSleepQueue(stores.redis, config.QUEUE_PREFIX, host);
      queue.on('error', (error) => logger.warn({ err: error }, 'sleep queue error'));
      sleepQueues.set(host, queue);
    }
    return queue;
  };
  const wakes = new WakeDoor({
    request: (sleep) =>
      requestWake(sleepQueue(sleep.dockerHost), {
        environmentId: sleep.environmentId,
        requestedBy: 'gateway',
        sleptAt: sleep.sleptAt,
      }),
    lookup: (host) => routes.lookup(host),
    holdMs: config.WAKE_HOLD_MS,
    askEveryMs: WAKE_ASK_INTERVAL_MS,
    onError: (error, sleep) =>
      logger.warn({ err: error, environmentId: sleep.environmentId }, 'could not ask for a wake'),
  });
  const subscriber = createRedis(config.REDIS_URL, 'berth-gateway-routes');
  const subscribed = subscribeToRouteChanges({
    subscriber,
    invalidate: (host) => {
      routes.invalidate(host);
      wakes.notify(host);
    },
  }).catch((error: unknown) => logger.error({ err: error }, 'cannot subscribe to route changes'));
  // Revoked share links live in memory (no Postgres read per request); until the first read
  // succeeds every share link is refused.
  const shareLinks = new ShareLinkStore(stores.prisma);
  const revocations = new ShareLinkRevocations({
    load: () => shareLinks.revokedUnexpired(new Date()),
    onError: (error) => logger.error({ err: error }, 'cannot read revoked share links'),
  });
  const revocationsSubscribed = subscribeToShareLinkRevocations(subscriber, revocations).catch(
    (error: unknown) => logger.error({ err: error }, 'cannot subscribe to share-link revocations'),
  );
  await Promise.race([
    Promise.all([subscribed, revocationsSubscribed, revocations.start()]),
    new Promise((r) => setTimeout(r, SUBSCRIBE_WAIT_MS)),
  ]);

  const lastAccess = new LastAccessRecorder({
    write: (environmentId, at, count) => routeStore.recordAccess(environmentId, at, count),
    onError: (error, environmentId) =>
      logger.warn({ err: error, environmentId }, 'could not record last access'),
  });
  const proxy = createPreviewProxy({
    onUpstreamError: (failure) => answerUpstreamFailure(failure, logger),
  });
  const sso = startSso(config, stores, routes, logger);
  await Promise.race([sso.ready, new Promise((r) => setTimeout(r, SUBSCRIBE_WAIT_MS))]);
  const frontDoor = createFrontDoor({
    baseDomain: config.BASE_DOMAIN,
    scheme: config.PREVIEW_URL_SCHEME,
    linkSecret: config.PREVIEW_LINK_SECRET,
    routes,
    revocations,
    trustedProxies: ipRanges(config.TRUSTED_PROXIES),
    proxy,
    sso: sso.frontDoor,
    onAccess: (route) => lastAccess.touch(route.environmentId),
    wake: wakes,
    logger,
  });
  frontDoor.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  await Promise.race([
    once(frontDoor, 'listening'),
    once(frontDoor, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  frontDoorListening = true;
  return {
    checks,
    addresses: {
      public: `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`,
      ops: `http://${config.GATEWAY_HOST}:${config.GATEWAY_OPS_PORT}`,
    },
    close: async () => {
      frontDoor.close();
      frontDoor.closeAllConnections();
      revocations.stop();
      proxy.close();
      // The counts of the last interval go out before the connections close.
      await Promise.race([lastAccess.close(), new Promise((r) => setTimeout(r, 2_000))]);
      await Promise.allSettled([...sleepQueues.values()].map((queue) => queue.close()));
      await ops.close();
      await sso.close();
      await Promise.allSettled([closeRedis(subscriber), stores.close()]);
    },
  };
}
