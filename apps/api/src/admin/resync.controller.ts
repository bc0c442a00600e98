import type { ApiConfig } from '@berth/config';
import {
  createResyncQueue,
  type JobOutcome,
  readJob,
  requestResync,
  type ResyncJobData,
  type ResyncQueue,
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

const REPOSITORY = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
const DEFAULT_WAIT_S = 60;
const POLL_MS = 200;

/** One resync run as the api shows it: the worker's report once it finished. */
export interface ResyncRunView {
  jobId: string;
  requestedBy: string;
  repository: string | null;
  installationId: number | null;
  state: string;
  requestedAt: string;
  finishedAt: string | null;
  /** The run's report (ResyncReport in @berth/lifecycle) once it completed. */
  report: unknown;
  error: string | null;
}

interface ResponseLike {
  status(code: number): unknown;
}

/**
 * The resync with GitHub on demand (decision 0022). The api only enqueues: a worker with the
 * `sweep` role lists the open PRs, and each difference goes to the webhook inbox as the delivery
 * GitHub would have sent. `POST /admin/v1/resync` (`?repository=owner/name`,
 * `?installation=id`, `?wait=` seconds; 202 with the job id when it takes longer),
 * `GET /admin/v1/resync/runs[/:id]` shows recent runs, scheduled ones too.
 */
@Controller('admin/v1/resync')
@AdminRoutes()
export class ResyncAdminController implements OnModuleDestroy {
  private queueInstance: ResyncQueue | undefined;

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async run(
    @Query('repository') repository: string | undefined,
    @Query('installation') installation: string | undefined,
    @Query('wait') wait: string | undefined,
    @Res({ passthrough: true }) response: ResponseLike,
  ): Promise<ResyncRunView> {
    const waitS = waitSeconds(wait, DEFAULT_WAIT_S);
    if (repository !== undefined && !REPOSITORY.test(repository)) {
      throw new BadRequestException('repository must be owner/name, e.g. acme/shop');
    }
    const installationId = installation === undefined ? undefined : Number(installation);
    if (
      installationId !== undefined &&
      (!Number.isSafeInteger(installationId) || installationId <= 0)
    ) {
      throw new BadRequestException('installation must be a GitHub App installation id');
    }
    const data: ResyncJobData = {
      requestedBy: 'admin',
      ...(repository ? { repository } : {}),
      ...(installationId !== undefined ? { installationId } : {}),
    };
    const queue = this.queue();
    const id = await requestResync(queue, data);
    const { outcome, final } = await waitForJob(queue, id, waitS, POLL_MS);
    const value = outcome ? view(outcome) : undefined;
    if (final && value) return value;
    response.status(202);
    return (
      value ?? {
        jobId: id,
        requestedBy: 'admin',
        repository: repository ?? null,
        installationId: installationId ?? null,
        state: 'unknown',
        requestedAt: new Date().toISOString(),
        finishedAt: null,
        report: null,
        error: null,
      }
    );
  }

  @Get('runs')
  async runs(): Promise<{ runs: ResyncRunView[] }> {
    const queue = this.queue();
    const jobs = await queue.getJobs(['active', 'waiting', 'completed', 'failed'], 0, 19);
    const read = await Promise.all(jobs.map((job) => readJob(queue, job.id ?? '')));
    const views = read.flatMap((outcome) => (outcome ? [view(outcome)] : []));
    views.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    return { runs: views };
  }

  @Get('runs/:id')
  async runById(@Param('id') id: string): Promise<ResyncRunView> {
    const outcome = await readJob(this.queue(), id);
    if (!outcome) throw new NotFoundException(`no resync run ${id}`);
    return view(outcome);
  }

  async onModuleDestroy(): Promise<void> {
    // The queue shares the api's Redis connection, which the stores close.
    await this.queueInstance?.close().catch(() => undefined);
  }

  private queue(): ResyncQueue {
    if (!this.queueInstance) {
      this.queueInstance = createResyncQueue(this.stores.redis, this.config.QUEUE_PREFIX);
      this.queueInstance.on('error', () => undefined);
    }
    return this.queueInstance;
  }
}

function view({ job, state }: JobOutcome<ResyncJobData, 'resync'>): ResyncRunView {
  return {
    jobId: job.id ?? '',
    requestedBy: job.data.requestedBy,
    repository: job.data.repository ?? null,
    installationId: job.data.installationId ?? null,
    state,
    requestedAt: new Date(job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    report: state === 'completed' ? (job.returnvalue ?? null) : null,
    error: state === 'failed' ? (job.failedReason ?? 'failed') : null,
  };
}
