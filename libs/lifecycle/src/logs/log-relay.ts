// Per-service logs for the REST API (decision 0030). The api never opens Docker: it publishes a
// request on this Docker host's channel, and the worker that owns the host reads the container's
// log and publishes its lines, redacted, on the request's own channel. The api is that channel's
// only subscriber, so a PUBLISH that reaches nobody means the client is gone: the worker stops.

import { containerName, redactSecrets } from '@berth/core';
import { EnvironmentQueries, type PrismaClient } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import {
  LOG_FOLLOW_MAX_MS,
  LOG_PING_MS,
  LOG_TAIL_MAX,
  logActiveKey,
  logClaimKey,
  type LogMessage,
  type LogRequest,
  logRequestChannel,
  logStreamChannel,
} from '@berth/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { resourceIdentity } from '../compose/revision-source.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';

export interface LogRelayDeps {
  /** A connection of its own: a subscribed ioredis client can run no other commands. */
  subscriber: Redis;
  publisher: Redis;
  prefix: string;
  /** The Docker host this worker drives (DOCKER_HOST_NAME): only its requests are read. */
  dockerHost: string;
  containerHost: Pick<ContainerHost, 'streamLogs'>;
  prisma: PrismaClient;
  /** Every secret value of the environment (`environmentSecretValues`): masked in each line. */
  secrets: (environment: EnvironmentWithRepository) => Promise<string[]>;
  /** This worker, as the active-requests hash names it. */
  owner: string;
  logger: Logger;
  maxFollowMs?: number;
  pingMs?: number;
}

export class LogRelay {
  private readonly running = new Map<string, AbortController>();
  private readonly environments: EnvironmentQueries;
  private readonly channel: string;

  constructor(private readonly deps: LogRelayDeps) {
    this.environments = new EnvironmentQueries(deps.prisma);
    this.channel = logRequestChannel(deps.prefix, deps.dockerHost);
  }

  /** Resolves once subscribed; ioredis resubscribes by itself after a reconnect. */
  async start(): Promise<void> {
    this.deps.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const request = parseRequest(message);
      if (!request) return;
      if (request.type === 'stop') this.running.get(request.requestId)?.abort();
      else void this.claimAndStream(request);
    });
    await this.deps.subscriber.subscribe(this.channel);
  }

  /** How many requests this worker streams now. */
  get active(): number {
    return this.running.size;
  }

  async close(): Promise<void> {
    for (const controller of this.running.values()) controller.abort();
    await this.deps.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private async claimAndStream(request: Extract<LogRequest, { type: 'start' }>): Promise<void> {
    const { publisher, prefix } = this.deps;
    // Every worker of the host hears the request; the first to claim it streams it.
    const maxMs = this.deps.maxFollowMs ?? LOG_FOLLOW_MAX_MS;
    const claimed = await publisher
      .set(logClaimKey(prefix, request.requestId), this.deps.owner, 'PX', maxMs + 60_000, 'NX')
      .catch(() => null);
    if (claimed !== 'OK') return;
    try {
      await this.stream(request, maxMs);
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId: request.requestId }, 'log stream failed');
    }
  }

  private async stream(request: Extract<LogRequest, { type: 'start' }>, maxMs: number) {
    const { publisher, prefix, logger } = this.deps;
    const controller = new AbortController();
    this.running.set(request.requestId, controller);
    const channel = logStreamChannel(prefix, request.requestId);
    let stopped: string | undefined;
    const stop = (reason: string) => {
      stopped ??= reason;
      controller.abort();
    };
    // Nobody received it: the api's subscription is gone (the client left, or the api died).
    const publish = async (message: LogMessage) => {
      const receivers = await publisher.publish(channel, JSON.stringify(message));
      if (receivers === 0) stop('nobody is listening');
    };
    const ping = setInterval(
      () => void publish({ type: 'ping' }).catch(() => undefined),
      this.deps.pingMs ?? LOG_PING_MS,
    );
    const bound = setTimeout(() => stop(`followed for ${Math.round(maxMs / 1000)} s`), maxMs);
    try {
      await publisher.hset(logActiveKey(prefix), request.requestId, this.deps.owner);
      const environment = await this.environments.find(request.environmentId);
      if (!environment) {
        await publish({ type: 'error', message: 'the environment no longer exists' });
        return;
      }
      const secrets = await this.deps.secrets(environment);
      const name = containerName(resourceIdentity(environment), request.service);
      logger.debug({ requestId: request.requestId, container: name }, 'streaming logs');
      // Lines are published in order on one connection; a failed publish only ends the stream.
      await this.deps.containerHost.streamLogs(name, {
        tail: Math.min(Math.max(request.tail, 0), LOG_TAIL_MAX),
        follow: request.follow,
        signal: controller.signal,
        // Docker attached: a line written from now on is followed (clients may wait for it).
        onOpen: () => void publish({ type: 'started' }).catch(() => undefined),
        onLine: (line) => {
          if (controller.signal.aborted) return;
          void publish({
            type: 'line',
            stream: line.stream,
            time: line.time,
            line: redactSecrets(line.line, secrets),
          }).catch(() => stop('Redis refused a line'));
        },
      });
      const reason = stopped ?? (request.follow ? 'the container stopped' : 'the tail was sent');
      await publish({ type: 'end', reason }).catch(() => undefined);
    } catch (error) {
      await publish({ type: 'error', message: (error as Error).message }).catch(() => undefined);
    } finally {
      clearInterval(ping);
      clearTimeout(bound);
      this.running.delete(request.requestId);
      await publisher
        .multi()
        .hdel(logActiveKey(prefix), request.requestId)
        .del(logClaimKey(prefix, request.requestId))
        .exec()
        .catch(() => undefined);
    }
  }
}

function parseRequest(message: string): LogRequest | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<LogRequest> | null;
    if (!parsed || typeof parsed.requestId !== 'string') return undefined;
    if (parsed.type === 'stop') return { type: 'stop', requestId: parsed.requestId };
    if (parsed.type !== 'start') return undefined;
    const { environmentId, service, tail, follow } = parsed;
    if (typeof environmentId !== 'string' || typeof service !== 'string') return undefined;
    if (typeof tail !== 'number' || typeof follow !== 'boolean') return undefined;
    return { type: 'start', requestId: parsed.requestId, environmentId, service, tail, follow };
  } catch {
    return undefined;
  }
}
