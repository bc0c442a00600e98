import { EnvironmentQueries, type EnvironmentRow } from '@berth/db';
import {
  type ActionJobName,
  requestAction,
  requestSleepChange,
  requestTtlExtension,
  waitForJob,
} from '@berth/queue';
import type { Stores } from '@berth/runtime';
import {
  applyDecorators,
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { type Queue } from 'bullmq';
import { extensionRequest } from '../../admin/ttl.controller.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  type ActionResult,
  ActionResultSchema,
  bodySchema,
  ExtendRequestSchema,
  ProblemSchema,
} from '../openapi/schemas.js';
import { waitQuery } from '../params.js';
import { conflict, invalid, notFound } from '../problem/problem.js';
import { CommandQueues } from './command-queues.js';
import { visibleEnvironment } from './environment-access.js';

const DEFAULT_WAIT_S = 20;
const POLL_MS = 100;

/** What a worker answers (EnvironmentCommands.operatorRedeploy/operatorDestroy, ttlExtend). */
type CommandResult =
  | { status: 'redeploying' | 'destroying'; generation: number }
  | { status: 'extended'; expiresAt: string; previousExpiresAt: string | null }
  /** Sleep and wake (libs/lifecycle/src/sleep/environment-sleep.ts). */
  | { status: 'asleep'; already: boolean; stopped?: string[] }
  | { status: 'woken'; ms: number; started?: string[] }
  | { status: 'awake' | 'waiting' | 'unmarked' | 'skipped'; reason: string }
  | { status: 'refused'; reason: string }
  | { status: 'gone' };

interface ResponseLike {
  status(code: number): unknown;
}

type Request = V1Request & { auditDetail?: string };

const WAIT_QUERY = ApiQuery({
  name: 'wait',
  required: false,
  type: 'integer',
  description: 'seconds to wait for a worker (0 to 60, default 20); then 202 with `queued`',
});
const ACCEPTED = ApiAcceptedResponse({
  description: 'Queued: no worker answered within `wait`',
  standardSchema: ActionResultSchema,
});
const NOT_FOUND = ApiNotFoundResponse({
  description: 'No such environment, or not one the token may see',
  standardSchema: ProblemSchema,
});

/**
 * One action route: POST, write scope, audited, idempotent, `?wait=`, 200 with the worker's
 * answer, 202 queued or 404. Listed bottom-up, as the same decorators stacked on the method
 * would apply, so the OpenAPI document is the one they made.
 */
function ActionRoute(
  route: string,
  operation: { operationId: string; summary: string },
  ok: string,
) {
  return applyDecorators(
    NOT_FOUND,
    ACCEPTED,
    ApiOkResponse({ description: ok, standardSchema: ActionResultSchema }),
    WAIT_QUERY,
    ApiOperation(operation),
    RequireScope('write', { audited: true, idempotent: true }),
    HttpCode(200),
    Post(route),
  );
}

/**
 * Actions on an environment (decision 0029). Each changes the environment, so each is a
 * command: the api puts it on the environment's Docker host's queue, a worker runs it on the
 * one command path (lock → decide → write → outbox), and the api waits a bounded while for the
 * answer — 200 with it, 409 with the reason it was refused, or 202 `queued`.
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentActionsController {
  private readonly environments: EnvironmentQueries;

  constructor(
    @Inject(STORES) stores: Stores,
    @Inject(CommandQueues) private readonly queues: CommandQueues,
  ) {
    this.environments = new EnvironmentQueries(stores.prisma);
  }

  @ActionRoute(
    ':id/redeploy',
    {
      operationId: 'redeployEnvironment',
      summary: "Deploy the pull request's head again as a new generation",
    },
    'Redeploying',
  )
  redeploy(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    return this.action('redeploy', request, id, wait, response);
  }

  @ActionRoute(
    ':id/rebuild',
    {
      operationId: 'rebuildEnvironment',
      summary: 'Redeploy, building every image again without the build cache',
    },
    'Rebuilding',
  )
  rebuild(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    return this.action('rebuild', request, id, wait, response);
  }

  @ActionRoute(
    ':id/destroy',
    {
      operationId: 'destroyEnvironment',
      summary: 'Tear the preview down; the PR stays open (a push or a redeploy brings it back)',
    },
    'Destroying',
  )
  destroy(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    return this.action('destroy', request, id, wait, response);
  }

  @ActionRoute(
    ':id/extend',
    { operationId: 'extendEnvironment', summary: 'Move the TTL expiry later' },
    'Extended',
  )
  @ApiBody({ schema: bodySchema(ExtendRequestSchema) })
  async extend(
    @Req() request: Request,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    let byMs: number;
    try {
      ({ byMs } = extensionRequest({ by: (body as { by?: unknown } | null)?.by }));
    } catch (error) {
      if (error instanceof BadRequestException) {
        throw invalid('body.by', error.message, 'send {"by": "24h"}: 1m to 14d');
      }
      throw error;
    }
    const waitS = waitQuery(wait, DEFAULT_WAIT_S);
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const queue = this.queues.ttlQueue(env.dockerHost);
    const jobId = await requestTtlExtension(queue, {
      environmentId: env.id,
      byMs,
      requestedBy: principalOf(request).name,
    });
    return this.answer('extend', env, queue, jobId, waitS, request, response);
  }

  @ActionRoute(
    ':id/sleep',
    {
      operationId: 'sleepEnvironment',
      summary: 'Stop its containers, keep its data; a request through the gateway wakes it',
    },
    'Asleep',
  )
  sleep(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    return this.sleepChange('sleep', request, id, wait, response);
  }

  @ActionRoute(
    ':id/wake',
    { operationId: 'wakeEnvironment', summary: 'Start a sleeping preview again' },
    'Woken (or already awake)',
  )
  wake(
    @Req() request: Request,
    @Param('id') id: string,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ActionResult> {
    return this.sleepChange('wake', request, id, wait, response);
  }

  private async sleepChange(
    name: 'sleep' | 'wake',
    request: Request,
    id: string,
    wait: string | undefined,
    response: ResponseLike,
  ): Promise<ActionResult> {
    const waitS = waitQuery(wait, DEFAULT_WAIT_S);
    const principal = principalOf(request);
    const env = await visibleEnvironment(this.environments, principal, id);
    const queue = this.queues.sleepQueue(env.dockerHost);
    const jobId = await requestSleepChange(queue, name, {
      environmentId: env.id,
      requestedBy: principal.name,
    });
    return this.answer(name, env, queue, jobId, waitS, request, response);
  }

  private async action(
    name: ActionJobName,
    request: Request,
    id: string,
    wait: string | undefined,
    response: ResponseLike,
  ): Promise<ActionResult> {
    const waitS = waitQuery(wait, DEFAULT_WAIT_S);
    const principal = principalOf(request);
    const env = await visibleEnvironment(this.environments, principal, id);
    const queue = this.queues.action(env.dockerHost);
    const jobId = await requestAction(queue, name, {
      environmentId: env.id,
      requestedBy: principal.name,
    });
    return this.answer(name, env, queue, jobId, waitS, request, response);
  }

  /** Waits for the worker's answer (≤ `waitS`) and turns it into the HTTP answer. */
  private async answer(
    action: ActionResult['action'],
    env: EnvironmentRow,
    // The action and TTL queues differ only in their job data; both are read the same way.
    queue: Queue<unknown, unknown, string>,
    jobId: string,
    waitS: number,
    request: Request,
    response: ResponseLike,
  ): Promise<ActionResult> {
    const base: ActionResult = {
      environmentId: env.id,
      action,
      jobId,
      status: 'queued',
      generation: null,
      expiresAt: null,
    };
    const { outcome: job, final } = await waitForJob(queue, jobId, waitS, POLL_MS);
    const what = `${env.repository.fullName}#${env.prNumber}`;
    if (!final || !job) {
      response.status(202);
      request.auditDetail = `${action} queued as job ${jobId}`;
      return base;
    }
    if (job.state === 'failed') {
      throw conflict(`${what}: the ${action} failed: ${job.job.failedReason ?? 'unknown error'}`);
    }
    const result = job.job.returnvalue as CommandResult;
    if (result.status === 'refused') throw conflict(`${what}: ${result.reason}`);
    if (result.status === 'gone') throw notFound(`no environment with id ${env.id}`);
    request.auditDetail = `${what}: ${result.status}`;
    switch (result.status) {
      case 'extended':
        return {
          ...base,
          status: 'extended',
          generation: env.generation,
          expiresAt: result.expiresAt,
        };
      case 'redeploying':
      case 'destroying':
        return { ...base, status: result.status, generation: result.generation };
      case 'asleep':
        return {
          ...base,
          status: 'asleep',
          generation: env.generation,
          // What `berth env sleep|wake` name (decision 0032): the containers, the wake's time.
          containers: result.stopped ?? [],
          ...(result.already ? { detail: 'it was asleep already' } : {}),
        };
      case 'woken':
        return {
          ...base,
          status: 'woken',
          generation: env.generation,
          containers: result.started ?? [],
          ms: Math.round(result.ms),
        };
      default:
        return {
          ...base,
          status: result.status,
          generation: env.generation,
          detail: result.reason,
        };
    }
  }
}
