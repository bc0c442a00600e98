import { SleepQueries } from '@berth/db';
import { requestSleepChange, waitForJob } from '@berth/queue';
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

/** The answer of `POST …/pulls/:pr/sleep` and `…/wake`. */
export interface SleepChangeView {
  repository: string;
  pr: number;
  environmentId: string;
  jobId: string;
  /**
   * `asleep` or `woken`; `awake` (it was), `waiting` (a redeploy will wake it), `unmarked`;
   * `queued` when no worker answered within `wait` (202).
   */
  status: string;
  /** Sleep: the containers stopped. Wake: the containers started. */
  containers: string[];
  /** Wake: how long the containers took to be ready again. */
  ms?: number;
  detail?: string;
}

interface ResponseLike {
  status(code: number): unknown;
}

/** What the worker's EnvironmentSleep answers (apps/worker/src/lifecycle/sleep.ts). */
type SleepJobResult =
  | { status: 'asleep'; stopped: string[]; already: boolean }
  | { status: 'woken'; ms: number; started: string[] }
  | { status: 'awake' | 'waiting' | 'unmarked' | 'skipped' | 'refused'; reason: string }
  | { status: 'gone' };

/**
 * `berth env sleep|wake <owner/name>#<pr>` (decision 0024). Both change an environment's
 * containers, so both are commands run by a worker on the environment's Docker host: the api
 * puts the job on that host's sleep queue and waits for the answer (≤ `wait`, else 202). 409
 * with the reason when the preview cannot sleep (not ready, closed, a base still lent).
 */
@Controller('admin/v1')
@AdminRoutes()
export class SleepAdminController {
  private readonly environments: SleepQueries;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(CommandQueues) private readonly queues: CommandQueues,
  ) {
    this.environments = new SleepQueries(stores.prisma);
  }

  @Post('repositories/:owner/:name/pulls/:pr/sleep')
  @HttpCode(200)
  sleep(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<SleepChangeView> {
    return this.change('sleep', owner, name, pr, body, wait, response);
  }

  @Post('repositories/:owner/:name/pulls/:pr/wake')
  @HttpCode(200)
  wake(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
    @Body() body: unknown,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<SleepChangeView> {
    return this.change('wake', owner, name, pr, body, wait, response);
  }

  private async change(
    kind: 'sleep' | 'wake',
    owner: string,
    name: string,
    pr: string,
    body: unknown,
    wait: string | undefined,
    response: ResponseLike,
  ): Promise<SleepChangeView> {
    const repository = repositoryParam(owner, name);
    const number = pullRequestParam(pr);
    const requestedBy = requester(body);
    const waitS = waitSeconds(wait, DEFAULT_WAIT_S);
    const environment = await this.environments.locate(repository, number);
    if (!environment) {
      throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
    }
    const queue = this.queues.sleepQueue(environment.dockerHost);
    const jobId = await requestSleepChange(queue, kind, {
      environmentId: environment.id,
      requestedBy,
    });
    const view: SleepChangeView = {
      repository,
      pr: number,
      environmentId: environment.id,
      jobId,
      status: 'queued',
      containers: [],
    };
    const { outcome: job, final } = await waitForJob(queue, jobId, waitS, POLL_MS);
    if (!final || !job) {
      response.status(202);
      return view;
    }
    if (job.state === 'failed') {
      throw new ConflictException(
        `${repository}#${number}: the ${kind} failed: ${job.job.failedReason ?? 'unknown error'}`,
      );
    }
    const result = job.job.returnvalue as SleepJobResult;
    switch (result.status) {
      case 'gone':
        throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
      case 'refused':
        throw new ConflictException(`${repository}#${number}: ${result.reason}`);
      case 'asleep':
        return {
          ...view,
          status: 'asleep',
          containers: result.stopped,
          ...(result.already ? { detail: 'it was asleep already' } : {}),
        };
      case 'woken':
        return { ...view, status: 'woken', containers: result.started, ms: result.ms };
      default:
        return { ...view, status: result.status, detail: result.reason };
    }
  }
}

/** `{ "requestedBy"?: "alice" }`: who asks, shown on the event stream (default `admin`). */
export function requester(body: unknown): string {
  const { requestedBy } = (body ?? {}) as { requestedBy?: unknown };
  if (requestedBy !== undefined && (typeof requestedBy !== 'string' || requestedBy.length > 100)) {
    throw new BadRequestException('requestedBy must be a short string (who asks)');
  }
  return (requestedBy as string | undefined)?.trim() || 'admin';
}
