import type { ApiConfig } from '@berth/config';
import { redactSecrets } from '@berth/core';
import { HostUsageQueries, type HostUsage, WebhookInbox } from '@berth/db';
import { berthQueueNames, type FailedJob, QueueInspector } from '@berth/queue';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, type OnModuleDestroy, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { API_CONFIG, STORES } from '../../tokens.js';
import { type Principal, principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  type FailedJobList,
  FailedJobListSchema,
  SystemSchema,
  type SystemView,
} from '../openapi/operator-schemas.js';
import { limitParam } from '../params.js';
import { ProblemException } from '../problem/problem.js';

const REASON_MAX = 1_000;

/**
 * `/api/v1/system` (decision 0031): Docker hosts with capacity and use, queue depth and failed
 * jobs, from what Postgres and Redis hold. The api never opens Docker (role `edge`): capacity is
 * what each host's worker last admitted against, use is the usage sampler's, queues are
 * BullMQ's counts. Every repository's at once, so an unrestricted admin token only.
 */
@ApiTags('system')
@Controller('api/v1/system')
export class SystemController implements OnModuleDestroy {
  private readonly hosts: HostUsageQueries;
  private readonly inbox: WebhookInbox;
  private readonly queues: QueueInspector;

  constructor(@Inject(STORES) stores: Stores, @Inject(API_CONFIG) config: ApiConfig) {
    this.hosts = new HostUsageQueries(stores.prisma);
    this.inbox = new WebhookInbox(stores.prisma);
    this.queues = new QueueInspector(stores.redis, config.QUEUE_PREFIX);
  }

  async onModuleDestroy(): Promise<void> {
    await this.queues.close();
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({ operationId: 'getSystem', summary: 'Docker hosts, queue depth, inbox backlog' })
  @ApiOkResponse({ description: 'The control plane now', standardSchema: SystemSchema })
  async show(@Req() request: V1Request): Promise<SystemView> {
    unrestricted(principalOf(request));
    const names = await this.hosts.hosts();
    const [hosts, queues, waiting] = await Promise.all([
      Promise.all(names.map((host) => this.hosts.usage(host))),
      Promise.all(berthQueueNames(names).map((name) => this.queues.depth(name))),
      this.inbox.waiting(),
    ]);
    return { hosts: hosts.map(hostView), queues, inbox: { waiting } };
  }

  @Get('failed-jobs')
  @RequireScope('admin')
  @ApiOperation({
    operationId: 'listFailedJobs',
    summary: 'Recent failed jobs of every queue, newest first (reasons redacted)',
  })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiOkResponse({ description: 'Failed jobs', standardSchema: FailedJobListSchema })
  async failed(@Req() request: V1Request, @Query('limit') limit?: string): Promise<FailedJobList> {
    unrestricted(principalOf(request));
    const take = limitParam(limit);
    const names = berthQueueNames(await this.hosts.hosts());
    const perQueue = await Promise.all(names.map((name) => this.queues.failed(name, take)));
    const newest = perQueue
      .flat()
      .sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0))
      .slice(0, take);
    return { jobs: newest.map(failedJobView) };
  }
}

function unrestricted(principal: Principal): void {
  if (principal.restriction !== null) {
    throw new ProblemException(
      'forbidden',
      403,
      `${principal.name} is limited to ${principal.restriction}: the system view covers every repository and needs an unrestricted admin token`,
    );
  }
}

function hostView(usage: HostUsage): SystemView['hosts'][number] {
  return {
    name: usage.host,
    environments: usage.environments,
    asleep: usage.asleep,
    containers: usage.containers,
    memory: {
      capacityBytes: usage.capacity?.memoryBytes ?? null,
      capacityMeasuredAt: usage.capacity?.measuredAt.toISOString() ?? null,
      committedBytes: usage.committedMemoryBytes,
      inUseBytes: usage.memoryInUseBytes,
      waitingBytes: usage.waitingMemoryBytes,
    },
    waiting: usage.waiting,
    cpuSecondsToday: usage.cpuSecondsToday,
    sampledAt: usage.sampledAt?.toISOString() ?? null,
  };
}

function failedJobView(job: FailedJob): FailedJobList['jobs'][number] {
  const reason = redactSecrets(job.failedReason);
  return {
    queue: job.queue,
    id: job.id,
    name: job.name,
    environmentId: job.environmentId,
    failedReason: reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX)}…` : reason,
    attempts: job.attemptsMade,
    failedAt: job.failedAt?.toISOString() ?? null,
  };
}
