import type { ApiConfig } from '@berth/config';
import {
  createMaintenanceQueue,
  type MaintenanceQueue,
  type JobOutcome,
  type ReconcileJobData,
  readJob,
  requestReconcile,
  waitForJob,
} from '@berth/queue';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  type OnModuleDestroy,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { AdminRoutes } from './admin-routes.decorator.js';
import { waitSeconds } from './queued-job.js';

/** Same rule as the worker's DOCKER_HOST_NAME. */
const HOST = /^[a-z0-9][a-z0-9.-]{0,62}$/;
const DEFAULT_WAIT_S = 60;
const POLL_MS = 200;

/** One run as the api shows it: the worker's report once it finished. */
export interface ReconcileRunView {
  jobId: string;
  host: string;
  dryRun: boolean;
  requestedBy: string;
  state: string;
  requestedAt: string;
  finishedAt: string | null;
  /** The reconciler's report (ReconcileReport in @berth/lifecycle) once the run completed. */
  report: unknown;
  error: string | null;
}

interface ResponseLike {
  status(code: number): unknown;
}

/**
 * The reconciler on demand (decision 0018). The api never touches Docker: it puts a run on the
 * Docker host's maintenance queue, where a worker with the `sweep` role does it, and waits for
 * the report. `GET /admin/v1/reconcile` is a dry run (nothing changes); `POST` removes the
 * orphans it lists. A run that takes longer than `wait` seconds answers 202 with its job id;
 * `GET /admin/v1/reconcile/runs/:id` shows it later, `GET /admin/v1/reconcile/runs` the recent
 * runs (scheduled ones too).
 */
@Controller('admin/v1/reconcile')
@AdminRoutes()
export class ReconcileAdminController implements OnModuleDestroy {
  private readonly queues = new Map<string, MaintenanceQueue>();

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  dryRun(
    @Query('host') host: string | undefined,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ReconcileRunView> {
    return this.request(host, wait, true, response);
  }

  @Post()
  @HttpCode(200)
  run(
    @Query('host') host: string | undefined,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ReconcileRunView> {
    return this.request(host, wait, false, response);
  }

  @Get('runs')
  async runs(@Query('host') host: string | undefined): Promise<{ runs: ReconcileRunView[] }> {
    const queue = this.queue(host);
    const jobs = await queue.getJobs(['active', 'waiting', 'completed', 'failed'], 0, 19);
    const read = await Promise.all(jobs.map((job) => readJob(queue, job.id ?? '')));
    const views = read.flatMap((outcome) => (outcome ? [view(queue, outcome)] : []));
    views.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    return { runs: views };
  }

  @Get('runs/:id')
  async runById(
    @Param('id') id: string,
    @Query('host') host: string | undefined,
  ): Promise<ReconcileRunView> {
    const queue = this.queue(host);
    const outcome = await readJob(queue, id);
    if (!outcome) throw new NotFoundException(`no reconcile run ${id} on host ${queue.name}`);
    return view(queue, outcome);
  }

  async onModuleDestroy(): Promise<void> {
    // The queues share the api's Redis connection, which the stores close.
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }

  private async request(
    host: string | undefined,
    wait: string | undefined,
    dryRun: boolean,
    response: ResponseLike,
  ): Promise<ReconcileRunView> {
    const waitS = waitSeconds(wait, DEFAULT_WAIT_S);
    const queue = this.queue(host);
    const id = await requestReconcile(queue, { dryRun, requestedBy: 'admin' });
    const { outcome, final } = await waitForJob(queue, id, waitS, POLL_MS);
    const value = outcome ? view(queue, outcome) : undefined;
    if (final && value) return value;
    response.status(202);
    return (
      value ?? {
        jobId: id,
        host: hostOf(queue),
        dryRun,
        requestedBy: 'admin',
        state: 'unknown',
        requestedAt: new Date().toISOString(),
        finishedAt: null,
        report: null,
        error: null,
      }
    );
  }

  private queue(host: string | undefined): MaintenanceQueue {
    const name = host ?? 'local';
    if (!HOST.test(name)) {
      throw new BadRequestException(
        'host must be a Docker host name as the worker records it (DOCKER_HOST_NAME), e.g. local',
      );
    }
    let queue = this.queues.get(name);
    if (!queue) {
      queue = createMaintenanceQueue(this.stores.redis, this.config.QUEUE_PREFIX, name);
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}

function hostOf(queue: MaintenanceQueue): string {
  return queue.name.replace(/^maintenance-/, '');
}

function view(
  queue: MaintenanceQueue,
  { job, state }: JobOutcome<ReconcileJobData, 'reconcile'>,
): ReconcileRunView {
  return {
    jobId: job.id ?? '',
    host: hostOf(queue),
    dryRun: job.data.dryRun,
    requestedBy: job.data.requestedBy,
    state,
    requestedAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    report: state === 'completed' ? (job.returnvalue ?? null) : null,
    error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
  };
}
