import { parseTtl, TTL_EXTEND_MAX_MS, TTL_EXTEND_MIN_MS } from '@berth/core';
import { TtlQueries } from '@berth/db';
import { requestTtlExtension, waitForJob } from '@berth/queue';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { STORES } from '../tokens.js';
import { CommandQueues } from '../v1/environments/command-queues.js';
import { AdminRoutes } from './admin-routes.decorator.js';
import { waitSeconds } from './queued-job.js';
import { pullRequestParam, repositoryParam } from './route-params.js';

const DEFAULT_WAIT_S = 30;
const POLL_MS = 100;

/** The answer of `POST …/pulls/:pr/extend`. */
export interface TtlExtensionView {
  repository: string;
  pr: number;
  environmentId: string;
  jobId: string;
  /** `extended`, or `waiting` when no worker answered within `wait` (202). */
  status: string;
  by: string;
  expiresAt: string | null;
  previousExpiresAt: string | null;
}

interface ResponseLike {
  status(code: number): unknown;
}

/**
 * `berth env extend <owner/name>#<pr> --by 24h` (decision 0020). An extension changes an
 * environment, so it is a command: the api puts it on the environment's Docker host's TTL queue,
 * where a worker with the `sweep` role runs it through the one command path, and waits for the
 * answer. 409 when the preview cannot be extended (destroyed, closed, the base), with the reason.
 */
@Controller('admin/v1')
@AdminRoutes()
export class TtlAdminController {
  private readonly environments: TtlQueries;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(CommandQueues) private readonly queues: CommandQueues,
  ) {
    this.environments = new TtlQueries(stores.prisma);
  }

  @Post('repositories/:owner/:name/pulls/:pr/extend')
  @HttpCode(200)
  async extend(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<TtlExtensionView> {
    const repository = repositoryParam(owner, name);
    const number = pullRequestParam(pr);
    const { by, byMs, requestedBy } = extensionRequest(body);
    const waitS = waitSeconds(wait, DEFAULT_WAIT_S);
    const environment = await this.environments.locate(repository, number);
    if (!environment)
      throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
    const queue = this.queues.ttlQueue(environment.dockerHost);
    const jobId = await requestTtlExtension(queue, {
      environmentId: environment.id,
      byMs,
      requestedBy,
    });
    const view: TtlExtensionView = {
      repository,
      pr: number,
      environmentId: environment.id,
      jobId,
      status: 'waiting',
      by,
      expiresAt: null,
      previousExpiresAt: null,
    };
    const { outcome: job, final } = await waitForJob(queue, jobId, waitS, POLL_MS);
    if (!final || !job) {
      response.status(202);
      return view;
    }
    if (job.state === 'failed') {
      throw new ConflictException(
        `${repository}#${number}: the extension failed: ${job.job.failedReason ?? 'unknown error'}`,
      );
    }
    const result = job.job.returnvalue as
      | { status: 'extended'; expiresAt: string; previousExpiresAt: string | null }
      | { status: 'refused'; reason: string }
      | { status: 'gone' };
    if (result.status === 'refused') {
      throw new ConflictException(`${repository}#${number}: ${result.reason}`);
    }
    if (result.status === 'gone') {
      throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
    }
    return {
      ...view,
      status: 'extended',
      expiresAt: result.expiresAt,
      previousExpiresAt: result.previousExpiresAt,
    };
  }
}

/** `{ "by": "24h", "requestedBy"?: "alice" }`: 1m to 14d, in the `ttl:` label's units. */
export function extensionRequest(body: unknown): { by: string; byMs: number; requestedBy: string } {
  const { by, requestedBy } = (body ?? {}) as { by?: unknown; requestedBy?: unknown };
  if (typeof by !== 'string' || by.trim() === '') {
    throw new BadRequestException('by is required: how much longer, e.g. {"by": "24h"}');
  }
  let byMs: number;
  try {
    byMs = parseTtl(by);
  } catch (error) {
    throw new BadRequestException(`by: ${(error as Error).message}`);
  }
  if (byMs < TTL_EXTEND_MIN_MS || byMs > TTL_EXTEND_MAX_MS) {
    throw new BadRequestException(`by: an extension is from 1m to 14d, got ${JSON.stringify(by)}`);
  }
  if (requestedBy !== undefined && (typeof requestedBy !== 'string' || requestedBy.length > 100)) {
    throw new BadRequestException('requestedBy must be a short string (who asks)');
  }
  return {
    by: by.trim(),
    byMs,
    requestedBy: (requestedBy as string | undefined)?.trim() || 'admin',
  };
}
