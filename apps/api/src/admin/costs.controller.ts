import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { AdminRoutes } from './admin-routes.decorator.js';
import {
  type CostReportView,
  CostReportsService,
  type PreviewCostView,
  type UnopenedView,
} from './cost-reports.service.js';
import { pullRequestParam, repositoryParam } from './route-params.js';

export type { CostReportView, PreviewCostView } from './cost-reports.service.js';

/**
 * Cost telemetry for operators (decision 0025; `berth cost`), through CostReportsService (which
 * /api/v1/costs shares). Reads only: nothing here changes an environment.
 */
@Controller('admin/v1')
@AdminRoutes()
export class CostsAdminController {
  constructor(@Inject(CostReportsService) private readonly reports: CostReportsService) {}

  @Get('costs')
  report(
    @Query('by') by: string | undefined,
    @Query('repository') repository: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('days') days: string | undefined,
  ): Promise<CostReportView> {
    return this.reports.report({ by, repository, from, to, days });
  }

  /**
   * Previews that ran but nobody opened (no request through a gateway, ever), created in the
   * last `days` (default 30), with what each cost: candidates for a shorter TTL or sleep.
   */
  @Get('costs/unopened')
  unopened(
    @Query('repository') repository: string | undefined,
    @Query('days') days: string | undefined,
  ): Promise<UnopenedView> {
    return this.reports.unopened({ repository, days });
  }

  @Get('repositories/:owner/:name/pulls/:pr/cost')
  async preview(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
  ): Promise<PreviewCostView> {
    const repository = repositoryParam(owner, name);
    const number = pullRequestParam(pr);
    const found = await this.reports.preview(repository, number);
    if (!found) throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
    return found;
  }
}
