import type { ServerResponse } from 'node:http';
import { restrictionAllows } from '@berth/core';
import { EnvironmentQueries } from '@berth/db';
import { LOG_TAIL_MAX, type LogMessage } from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Headers, Inject, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { servicesOf } from '../../environments/environment-view.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { visibleEnvironment } from '../environments/environment-access.js';
import { type LogLine, ProblemSchema } from '../openapi/schemas.js';
import { oneOfQuery, repositoryQuery } from '../params.js';
import { invalid, ProblemException } from '../problem/problem.js';
import { ChangeFeed, type FeedItem } from './change-feed.js';
import { LogStreams } from './log-streams.js';
import { type SseStream, SseStreams } from './sse-stream.js';

const EVENT_ID = /^\d{1,20}-\d{1,20}$/;
const DEFAULT_TAIL = 200;
/** How long a worker that heard a log request may stay silent before the client is told. */
const NO_ANSWER_MS = 15_000;

const SSE = (description: string) =>
  ApiOkResponse({
    description,
    content: { 'text/event-stream': { schema: { type: 'string', description } } },
  });

/**
 * The live views of /api/v1 (decision 0030), as server-sent events: the change feed of every
 * environment the token may see, and one service's log, tail and follow. The api only relays:
 * the feed comes from the lifecycle event stream's `feed` sink (a Redis stream), the log lines
 * from the worker that drives the environment's Docker host (Redis pub/sub).
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class LiveController {
  private readonly environments: EnvironmentQueries;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(ChangeFeed) private readonly feed: ChangeFeed,
    @Inject(LogStreams) private readonly logStreams: LogStreams,
    @Inject(SseStreams) private readonly streams: SseStreams,
  ) {
    this.environments = new EnvironmentQueries(stores.prisma);
  }

  @Get('events')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'streamEnvironmentEvents',
    summary: 'Change feed (SSE): an `environment` event whenever one changes',
    description:
      'Each `environment` event carries the same JSON as `GET /api/v1/environments/{id}` and an `id`; ' +
      'reconnect with `Last-Event-ID` to resume after it (the last 10,000 changes are kept). ' +
      'Comment lines (`: heartbeat`) keep an idle stream open.',
  })
  @ApiQuery({
    name: 'repository',
    required: false,
    description: 'owner/name: only its environments',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event' })
  @SSE('`event: environment` blocks; `data` is an EnvironmentDetail')
  async events(
    @Req() request: V1Request,
    @Res() response: ServerResponse,
    @Query('repository') repository?: string,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<void> {
    const principal = principalOf(request);
    const repo = repositoryQuery(repository)?.toLowerCase();
    if (lastEventId !== undefined && lastEventId !== '' && !EVENT_ID.test(lastEventId)) {
      throw invalid('header.Last-Event-ID', 'is not an event id this feed sent');
    }
    const visible = (item: FeedItem) =>
      restrictionAllows(principal.restriction, item.environment.repository) &&
      (!repo || item.environment.repository.toLowerCase() === repo);
    // Subscribed (and the replay read) before the stream opens: a Redis failure is still a
    // problem answer. Live entries wait meanwhile, so none is lost or sent twice.
    const held: FeedItem[] = [];
    let deliver: (item: FeedItem) => void = (item) => void held.push(item);
    const unsubscribe = await this.feed.subscribe((item) => deliver(item));
    let missed: FeedItem[];
    try {
      missed = lastEventId ? await this.feed.since(lastEventId) : [];
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const sse = this.streams.start(response);
    sse.onClose(unsubscribe);
    let lastSent = lastEventId || '0-0';
    const send = (item: FeedItem) => {
      if (!visible(item) || !after(item.id, lastSent)) return;
      lastSent = item.id;
      sse.send('environment', item.environment, item.id);
    };
    for (const item of [...missed, ...held.splice(0)]) send(item);
    deliver = send;
  }

  @Get(':id/logs')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'streamEnvironmentLogs',
    summary: "One service's log (SSE): the last `tail` lines, then new ones with `follow=true`",
    description:
      '`event: log` blocks carry a LogLine (`{service, stream, time, line}`, secret values redacted); ' +
      'one `event: end` (`{reason}`) closes the stream: when the container stops, or after the tail ' +
      'with `follow=false`. Closing the connection stops the worker reading the log.',
  })
  @ApiQuery({ name: 'service', required: true, description: 'a compose service of the preview' })
  @ApiQuery({
    name: 'tail',
    required: false,
    type: 'integer',
    description: `lines before now, 0 to ${LOG_TAIL_MAX}, default ${DEFAULT_TAIL}`,
  })
  @ApiQuery({
    name: 'follow',
    required: false,
    enum: ['true', 'false'],
    description: 'keep streaming new lines until the container stops; default false',
  })
  @SSE('`event: log` blocks (data: LogLine), then one `event: end`')
  @ApiNotFoundResponse({
    description: 'No such environment or service (`errors` names `query.service`)',
    standardSchema: ProblemSchema,
  })
  @ApiServiceUnavailableResponse({
    description: "No worker drives the environment's Docker host now",
    standardSchema: ProblemSchema,
  })
  async logs(
    @Req() request: V1Request,
    @Res() response: ServerResponse,
    @Param('id') id: string,
    @Query('service') service?: string,
    @Query('tail') tail?: string,
    @Query('follow') follow?: string,
  ): Promise<void> {
    if (tail !== undefined && (!/^\d{1,5}$/.test(tail) || Number(tail) > LOG_TAIL_MAX)) {
      throw invalid('query.tail', `must be a whole number from 0 to ${LOG_TAIL_MAX}`);
    }
    const following =
      (oneOfQuery('follow', follow, ['true', 'false'] as const) ?? 'false') === 'true';
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const revision = await this.environments.revisionWithRuns(env.id, env.generation);
    const services = servicesOf(revision?.images).map((s) => s.name);
    if (!service) {
      throw invalid(
        'query.service',
        `name a service: one of ${services.join(', ') || '(none yet)'}`,
      );
    }
    if (!services.includes(service)) {
      const valid = services.length ? `one of ${services.join(', ')}` : 'none yet (not built)';
      throw new ProblemException(
        'not-found',
        404,
        `${env.repository.fullName}#${env.prNumber} has no service ${JSON.stringify(service)}`,
        { errors: [{ field: 'query.service', message: `must be ${valid}` }] },
      );
    }
    // Messages that come before the stream is open wait for it.
    const early: LogMessage[] = [];
    let deliver: (message: LogMessage) => void = (message) => void early.push(message);
    const stream = await this.logStreams.open(
      env.dockerHost,
      {
        environmentId: env.id,
        service,
        tail: tail === undefined ? DEFAULT_TAIL : Number(tail),
        follow: following,
      },
      (message) => deliver(message),
    );
    const sse = this.streams.start(response);
    // A worker that heard the request but never answers (it died): the client is told.
    const silence = setTimeout(() => {
      sse.send('end', { reason: 'no worker answered the log request', error: true });
      sse.end();
    }, NO_ANSWER_MS);
    sse.onClose(() => {
      clearTimeout(silence);
      void stream.close();
    });
    deliver = (message) => {
      clearTimeout(silence);
      relay(sse, service, message);
    };
    for (const message of early.splice(0)) deliver(message);
  }
}

function relay(sse: SseStream, service: string, message: LogMessage): void {
  switch (message.type) {
    case 'line': {
      const line: LogLine = {
        service,
        stream: message.stream,
        time: message.time,
        line: message.line,
      };
      sse.send('log', line);
      return;
    }
    case 'end':
      sse.send('end', { reason: message.reason });
      sse.end();
      return;
    case 'error':
      sse.send('end', { reason: message.message, error: true });
      sse.end();
      return;
    case 'started':
      // Docker is streaming: a line written from now on will come (a sync point for scripts).
      sse.comment('started');
      return;
    default:
      // `ping`: the worker's check that someone still listens.
      return;
  }
}

/** Whether stream entry id `a` comes after `b` (`<ms>-<seq>`). */
function after(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am! > bm! || (am === bm && as! > bs!);
}
