import { EnvironmentQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CostReportsService } from '../../admin/cost-reports.service.js';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { visibleEnvironment } from '../environments/environment-access.js';
import {
  type CostReport,
  CostReportSchema,
  type EnvironmentCostDays,
  EnvironmentCostDaysSchema,
  type UnopenedCost,
  UnopenedCostSchema,
} from '../openapi/operator-schemas.js';
import { ProblemSchema } from '../openapi/schemas.js';
import { notFound } from '../problem/problem.js';

const REPOSITORY_QUERY = {
  name: 'repository',
  required: false,
  description: 'owner/name: one repository (within the token’s restriction)',
} as const;

/**
 * Cost telemetry over REST (decisions 0025, 0031): the admin API's CostReportsService with the
 * token's repository restriction applied in the query, so a restricted token's totals count only
 * what it may see.
 */
@ApiTags('costs')
@Controller('api/v1')
export class CostsController {
  private readonly environments: EnvironmentQueries;

  constructor(
    @Inject(CostReportsService) private readonly reports: CostReportsService,
    @Inject(STORES) stores: Stores,
  ) {
    this.environments = new EnvironmentQueries(stores.prisma);
  }

  @Get('costs')
  @RequireScope('read')
  @ApiOperation({ operationId: 'getCosts', summary: 'Usage and cost over days, grouped one way' })
  @ApiQuery({ name: 'by', required: false, enum: ['environment', 'repository', 'day'] })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD (UTC)' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD (UTC), inclusive' })
  @ApiQuery({ name: 'days', required: false, description: 'the last N days, instead of from' })
  @ApiQuery(REPOSITORY_QUERY)
  @ApiOkResponse({ description: 'The report', standardSchema: CostReportSchema })
  async report(
    @Req() request: V1Request,
    @Query('by') by?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('days') days?: string,
    @Query('repository') repository?: string,
  ): Promise<CostReport> {
    const { restriction } = principalOf(request);
    return (await this.reports.report({
      by,
      from,
      to,
      days,
      repository: repository || undefined,
      restriction,
    })) as CostReport;
  }

  @Get('costs/unopened')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'getUnopenedCosts',
    summary: 'Previews that ran but nobody ever opened, with what each cost',
  })
  @ApiQuery({ name: 'days', required: false, description: 'created in the last N days (30)' })
  @ApiQuery(REPOSITORY_QUERY)
  @ApiOkResponse({ description: 'The previews', standardSchema: UnopenedCostSchema })
  async unopened(
    @Req() request: V1Request,
    @Query('days') days?: string,
    @Query('repository') repository?: string,
  ): Promise<UnopenedCost> {
    const { restriction } = principalOf(request);
    return (await this.reports.unopened({
      days,
      repository: repository || undefined,
      restriction,
    })) as UnopenedCost;
  }

  @Get('environments/:id/cost')
  @RequireScope('read')
  @ApiOperation({ operationId: 'getEnvironmentCost', summary: "One environment's cost, by day" })
  @ApiOkResponse({ description: 'Its usage and cost', standardSchema: EnvironmentCostDaysSchema })
  @ApiNotFoundResponse({
    description: 'No environment the token may see',
    standardSchema: ProblemSchema,
  })
  async environment(
    @Req() request: V1Request,
    @Param('id') id: string,
  ): Promise<EnvironmentCostDays> {
    const env = await visibleEnvironment(this.environments, principalOf(request), id);
    const found = await this.reports.preview(env.repository.fullName, env.prNumber);
    if (!found) throw notFound(`no environment with id ${id}`);
    return found as EnvironmentCostDays;
  }
}
