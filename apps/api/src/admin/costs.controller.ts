import { type ApiConfig, priceTableOf } from '@berth/config';
import { isRepositoryFullName, type PriceTable } from '@berth/core';
import { CostQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import {
  costView,
  type CostView,
  dayRange,
  type EnvironmentCostView,
  environmentCostView,
  pricesView,
  type PricesView,
  sumTotals,
  usageView,
  type UsageView,
} from './cost-view.js';
import { pullRequestParam, repositoryParam } from './route-params.js';

const GROUPS = ['environment', 'repository', 'day'] as const;
type Group = (typeof GROUPS)[number];

/** `GET /admin/v1/costs`: usage and cost over a range of days, grouped one way. */
export interface CostReportView {
  by: Group;
  from: string;
  to: string;
  repository: string | null;
  prices: PricesView;
  total: { usage: UsageView; cost: CostView };
  rows: (
    | EnvironmentCostView
    | { repository: string; environments: number; usage: UsageView; cost: CostView }
    | { day: string; environments: number; usage: UsageView; cost: CostView }
  )[];
}

/** `GET …/pulls/:pr/cost`: one preview, all its days. */
export interface PreviewCostView extends EnvironmentCostView {
  prices: PricesView;
  days: { day: string; usage: UsageView; cost: CostView }[];
}

/**
 * Cost telemetry for operators (decision 0025; `berth cost`). Usage is what the workers' usage
 * sampler measured per environment and day; it is priced here with this api's PRICE_* table,
 * so the figures follow the current prices. Reads only: nothing here changes an environment.
 */
@Controller('admin/v1')
@UseGuards(AdminTokenGuard)
export class CostsAdminController {
  private readonly costs: CostQueries;
  private readonly prices: PriceTable;

  constructor(@Inject(STORES) stores: Stores, @Inject(API_CONFIG) config: ApiConfig) {
    this.costs = new CostQueries(stores.prisma);
    this.prices = priceTableOf(config);
  }

  @Get('costs')
  async report(
    @Query('by') by: string | undefined,
    @Query('repository') repository: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Query('days') days: string | undefined,
  ): Promise<CostReportView> {
    const group = groupParam(by);
    const range = dayRange({
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(days !== undefined ? { days } : {}),
    });
    const filter = { ...range, ...(repository ? { repository: repositoryQuery(repository) } : {}) };
    const prices = this.prices;
    let rows: CostReportView['rows'];
    let totals;
    if (group === 'environment') {
      const found = await this.costs.byEnvironment(filter);
      rows = found.map((row) => environmentCostView(row, prices));
      totals = sumTotals(found);
    } else if (group === 'repository') {
      const found = await this.costs.byRepository(filter);
      rows = found.map((row) => ({
        repository: row.repository,
        environments: row.environments,
        usage: usageView(row),
        cost: costView(row, prices),
      }));
      totals = sumTotals(found);
    } else {
      const found = await this.costs.byDay(filter);
      rows = found.map((row) => ({
        day: row.day,
        environments: row.environments,
        usage: usageView(row),
        cost: costView(row, prices),
      }));
      totals = sumTotals(found);
    }
    return {
      by: group,
      ...range,
      repository: filter.repository ?? null,
      prices: pricesView(prices),
      total: { usage: usageView(totals), cost: costView(totals, prices) },
      rows,
    };
  }

  /**
   * Previews that ran but nobody opened (no request through a gateway, ever), created in the
   * last `days` (default 30), with what each cost: candidates for a shorter TTL or sleep.
   */
  @Get('costs/unopened')
  async unopened(
    @Query('repository') repository: string | undefined,
    @Query('days') days: string | undefined,
  ): Promise<{
    since: string;
    prices: PricesView;
    total: { usage: UsageView; cost: CostView };
    previews: EnvironmentCostView[];
  }> {
    const { from } = dayRange(days === undefined ? {} : { days });
    const since = new Date(`${from}T00:00:00Z`);
    const rows = await this.costs.unopened({
      since,
      ...(repository ? { repository: repositoryQuery(repository) } : {}),
    });
    const totals = sumTotals(rows);
    return {
      since: since.toISOString(),
      prices: pricesView(this.prices),
      total: { usage: usageView(totals), cost: costView(totals, this.prices) },
      previews: rows.map((row) => environmentCostView(row, this.prices)),
    };
  }

  @Get('repositories/:owner/:name/pulls/:pr/cost')
  async preview(
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('pr') pr: string,
  ): Promise<PreviewCostView> {
    const repository = repositoryParam(owner, name);
    const number = pullRequestParam(pr);
    const found = await this.costs.environment(repository, number);
    if (!found) throw new NotFoundException(`Berth has no preview for ${repository}#${number}`);
    return {
      ...environmentCostView(found.environment, this.prices),
      prices: pricesView(this.prices),
      days: found.days.map((day) => ({
        day: day.day,
        usage: usageView(day),
        cost: costView(day, this.prices),
      })),
    };
  }
}

function groupParam(by: string | undefined): Group {
  const group = by ?? 'environment';
  if (!(GROUPS as readonly string[]).includes(group)) {
    throw new BadRequestException(
      `by must be one of ${GROUPS.join(', ')}, got ${JSON.stringify(by)}`,
    );
  }
  return group as Group;
}

function repositoryQuery(repository: string): string {
  if (!isRepositoryFullName(repository)) {
    throw new BadRequestException(
      `repository must be owner/name (e.g. acme/shop), got ${JSON.stringify(repository)}`,
    );
  }
  return repository;
}
