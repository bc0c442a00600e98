import { CheckRunStore, EnvironmentQueries, ServiceStatusStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { repositoryPageOf } from '../../environments/environment-view.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  type EnvironmentChecks,
  EnvironmentChecksSchema,
  type EnvironmentServices,
  EnvironmentServicesSchema,
} from '../openapi/operator-schemas.js';
import { ProblemSchema } from '../openapi/schemas.js';
import { visibleEnvironment } from './environment-access.js';

/**
 * What the worker last observed of an environment, for the console's detail page: its services'
 * containers (the usage sampler's snapshot) and Berth's check runs on its head (as last written
 * to GitHub). The api holds no Docker or GitHub port: GitHub stays the check runs' store
 * (decision 0011), these are the worker's copies.
 */
@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentStatusController {
  private readonly environments: EnvironmentQueries;
  private readonly checkRuns: CheckRunStore;
  private readonly statuses: ServiceStatusStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.environments = new EnvironmentQueries(stores.prisma);
    this.checkRuns = new CheckRunStore(stores.prisma);
    this.statuses = new ServiceStatusStore(stores.prisma);
  }

  @Get(':id/services')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getEnvironmentServices',
    summary: "Each service's container as the worker last sampled it: state, health and use",
  })
  @ApiOkResponse({ description: 'The services', standardSchema: EnvironmentServicesSchema })
  @ApiNotFoundResponse({
    description: 'No environment the token may see',
    standardSchema: ProblemSchema,
  })
  async services(@Req() request: V1Request, @Param('id') id: string): Promise<EnvironmentServices> {
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const rows = await this.statuses.forEnvironment(env.id);
    return {
      services: rows.map((row) => ({ ...row, sampledAt: row.sampledAt.toISOString() })),
    };
  }

  @Get(':id/checks')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getEnvironmentChecks',
    summary: "Berth's check runs on the environment's head commit, as last written to GitHub",
  })
  @ApiOkResponse({ description: 'The check runs', standardSchema: EnvironmentChecksSchema })
  @ApiNotFoundResponse({
    description: 'No environment the token may see',
    standardSchema: ProblemSchema,
  })
  async checks(@Req() request: V1Request, @Param('id') id: string): Promise<EnvironmentChecks> {
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const runs = await this.checkRuns.onCommit(env.id, env.headSha);
    return {
      headSha: env.headSha,
      checks: runs.map((run) => ({
        name: run.name,
        status: run.status,
        conclusion: run.conclusion,
        url: repositoryPageOf(env.repository.cloneUrl, `runs/${run.githubId}`),
      })),
    };
  }
}
