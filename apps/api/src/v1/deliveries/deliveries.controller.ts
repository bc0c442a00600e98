import { redactSecrets, restrictionAllows } from '@berth/core';
import { DeliveryQueries, type DeliveryRow, WebhookInbox } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  DELIVERY_OUTCOMES,
  type DeliveryPage,
  DeliveryPageSchema,
  type Redelivery,
  RedeliverySchema,
} from '../openapi/operator-schemas.js';
import { ProblemSchema } from '../openapi/schemas.js';
import { limitParam, oneOfQuery, repositoryQuery } from '../params.js';
import { conflict, invalid, notFound } from '../problem/problem.js';

type Delivery = DeliveryPage['deliveries'][number];

/**
 * `/api/v1/deliveries` (decision 0031): the webhook inbox as operators see it, and redelivery.
 * A redelivery stores the original's signed payload again under a new delivery id, so the
 * worker's inbox processor takes it through the command path in the PR's order, like any
 * delivery; the ordering rule (updated_at) makes an already-applied event converge.
 */
@ApiTags('deliveries')
@Controller('api/v1/deliveries')
export class DeliveriesController {
  private readonly deliveries: DeliveryQueries;
  private readonly inbox: WebhookInbox;

  constructor(@Inject(STORES) stores: Stores) {
    this.deliveries = new DeliveryQueries(stores.prisma);
    this.inbox = new WebhookInbox(stores.prisma);
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ operationId: 'listDeliveries', summary: 'Webhook deliveries, newest first' })
  @ApiQuery({ name: 'repository', required: false, description: 'owner/name' })
  @ApiQuery({ name: 'event', required: false, description: 'e.g. pull_request, push' })
  @ApiQuery({ name: 'outcome', required: false, enum: DELIVERY_OUTCOMES })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ description: 'One page', standardSchema: DeliveryPageSchema })
  async list(
    @Req() request: V1Request,
    @Query('repository') repository?: string,
    @Query('event') event?: string,
    @Query('outcome') outcome?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<DeliveryPage> {
    const { restriction } = principalOf(request);
    const take = limitParam(limit);
    const before = cursorOf(cursor);
    const repo = repositoryQuery(repository);
    const wanted = oneOfQuery('outcome', outcome, DELIVERY_OUTCOMES);
    const rows = await this.deliveries.page({
      restriction,
      ...(repo ? { repository: repo } : {}),
      ...(event ? { event: eventQuery(event) } : {}),
      ...(wanted ? { outcome: wanted } : {}),
      ...(before === undefined ? {} : { before }),
      limit: take + 1,
    });
    const page = rows.slice(0, take);
    const last = page.at(-1);
    return {
      deliveries: page.map(deliveryView),
      nextCursor:
        rows.length > take && last
          ? Buffer.from(`d${last.receivedAt.toISOString()}|${last.seq}`).toString('base64url')
          : null,
    };
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @RequireScope('write', { audited: true, idempotent: true })
  @ApiOperation({
    operationId: 'redeliverDelivery',
    summary: 'Process a stored delivery again, through the inbox and the command path',
  })
  @ApiAcceptedResponse({
    description: 'In the inbox; a worker processes it in its pull request’s order',
    standardSchema: RedeliverySchema,
  })
  @ApiNotFoundResponse({
    description: 'No delivery the token may see',
    standardSchema: ProblemSchema,
  })
  async redeliver(
    @Req() request: V1Request & { auditDetail?: string },
    @Param('id') id: string,
  ): Promise<Redelivery> {
    const principal = principalOf(request);
    const original = await this.deliveries.find(id);
    const visible =
      original !== undefined &&
      (principal.restriction === null ||
        (original.repository !== null &&
          restrictionAllows(principal.restriction, original.repository)));
    if (!original || !visible) throw notFound(`no delivery ${id}`);
    if (original.payload === null || original.orderingKey === null) {
      throw conflict(`delivery ${id} has no stored payload to process again`);
    }
    // A check run's Re-run and a `/berth …` comment are requests to act, not facts to converge
    // on: processing one again would act again (redeploy, destroy, extend once more). Ask the
    // environment's own action route for that.
    if (original.event === 'check_run' && original.outcome === 'processed') {
      throw conflict(
        `delivery ${id} is a Re-run that was acted on; a redelivery would redeploy again`,
        'use POST /api/v1/environments/{id}/redeploy to deploy the head again',
      );
    }
    if (original.event === 'issue_comment' && original.outcome === 'processed') {
      throw conflict(
        `delivery ${id} is a PR comment command that was acted on; a redelivery would run it again`,
        'use the environment’s action routes (POST /api/v1/environments/{id}/redeploy, /destroy, /extend …) to act again',
      );
    }
    const waiting = await this.deliveries.waitingRedelivery(id);
    if (waiting !== undefined) {
      request.auditDetail = `${waiting} is still waiting in the inbox`;
      return { deliveryId: waiting, redeliveryOf: id, status: 'already-waiting' };
    }
    // The next id is deterministic, so a redelivery asked twice at once is stored once.
    const deliveryId = await this.deliveries.nextRedeliveryId(id);
    const stored = await this.inbox.store({
      deliveryId,
      event: original.event,
      action: original.action ?? undefined,
      orderingKey: original.orderingKey,
      payload: original.payload,
      outcome: 'received',
      detail: `redelivery of ${id} by ${principal.name}`,
    });
    request.auditDetail = `redelivered as ${deliveryId}`;
    return {
      deliveryId,
      redeliveryOf: id,
      status: stored === 'stored' ? 'queued' : 'already-waiting',
    };
  }
}

function deliveryView(row: DeliveryRow): Delivery {
  return {
    id: row.deliveryId,
    event: row.event,
    action: row.action,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
    outcome: row.outcome as Delivery['outcome'],
    // Processing errors can quote what GitHub or a stage answered: credentials shaped text goes.
    detail: row.detail === null ? null : redactSecrets(row.detail),
    attempts: row.attempts,
    repository: row.repository,
    prNumber: row.prNumber,
    environmentId: row.environmentId,
  };
}

/** The last row's (received time, seq), base64url: opaque to clients, checked on the way in. */
function cursorOf(cursor: string | undefined): { receivedAt: Date; seq: bigint } | undefined {
  if (!cursor) return undefined;
  const decoded = /^d(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  const receivedAt = decoded?.[1] ? new Date(decoded[1]) : undefined;
  if (!decoded?.[2] || !receivedAt || Number.isNaN(receivedAt.getTime())) {
    throw invalid('query.cursor', 'is not a cursor this API handed out');
  }
  return { receivedAt, seq: BigInt(decoded[2]) };
}

function eventQuery(event: string): string {
  if (!/^[a-z_]{1,64}$/.test(event)) {
    throw invalid('query.event', 'must be a GitHub event name such as pull_request');
  }
  return event;
}
