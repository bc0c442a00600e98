import { type ApiConfig, priceTableOf } from '@berth/config';
import { isRepositoryFullName, type PriceTable } from '@berth/core';
import { CostQueries } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
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

export const COST_GROUPS = ['environment', 'repository', 'day'] as const;
type Group = (typeof COST_GROUPS)[number];

/** `GET /admin/v1/costs`, `GET /api/v1/costs`: usage and cost over a range of days, grouped one way. */
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

/** One preview, all its days. */
export interface PreviewCostView extends EnvironmentCostView {
  prices: PricesView;
  days: { day: string; usage: UsageView; cost: CostView }[];
}

export interface UnopenedView {
  since: string;
  prices: PricesView;
  total: { usage: UsageView; cost: CostView };
  previews: EnvironmentCostView[];
}

/** What a report may ask; `restriction` is a REST token's (`owner/name`, `owner/*`). */
export interface CostReportQuery {
  by?: string | undefined;
  repository?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  days?: string | undefined;
  restriction?: string | null;
}

/**
 * Cost telemetry for operators (decision 0025), read the same way by /admin/v1 (`berth cost`)
 * and /api/v1 (decision 0031). Usage is what the workers' usage sampler measured per
 * environment and day; it is priced here with this api's PRICE_* table, so the figures follow
 * the current prices. Reads only: nothing here changes an environment.
 */
@Injectable()
export class CostReportsService {
  private readonly costs: CostQueries;
  private readonly prices: PriceTable;

  constructor(@Inject(STORES) stores: Stores, @Inject(API_CONFIG) config: ApiConfig) {
    this.costs = new CostQueries(stores.prisma);
    this.prices = priceTableOf(config);
  }

  async report(query: CostReportQuery): Promise<CostReportView> {
    const group = groupParam(query.by);
    const range = dayRange({
      ...(query.from !== undefined ? { from: query.from } : {}),
      ...(query.to !== undefined ? { to: query.to } : {}),
      ...(query.days !== undefined ? { days: query.days } : {}),
    });
    const filter = {
      ...range,
      ...(query.repository ? { repository: repositoryQuery(query.repository) } : {}),
      restriction: query.restriction ?? null,
    };
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
  async unopened(query: CostReportQuery): Promise<UnopenedView> {
    const { from } = dayRange(query.days === undefined ? {} : { days: query.days });
    const since = new Date(`${from}T00:00:00Z`);
    const rows = await this.costs.unopened({
      since,
      ...(query.repository ? { repository: repositoryQuery(query.repository) } : {}),
      restriction: query.restriction ?? null,
    });
    const totals = sumTotals(rows);
    return {
      since: since.toISOString(),
      prices: pricesView(this.prices),
      total: { usage: usageView(totals), cost: costView(totals, this.prices) },
      previews: rows.map((row) => environmentCostView(row, this.prices)),
    };
  }

  /** One preview by repository and PR number; undefined when Berth has none. */
  async preview(repository: string, prNumber: number): Promise<PreviewCostView | undefined> {
    const found = await this.costs.environment(repository, prNumber);
    if (!found) return undefined;
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
  if (!(COST_GROUPS as readonly string[]).includes(group)) {
    throw new BadRequestException(
      `by must be one of ${COST_GROUPS.join(', ')}, got ${JSON.stringify(by)}`,
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
