// The PR comment's cost figure (decision 0025): a preview's usage of every day so far, priced
// with the operator's table now.

import { type PriceTable, priceUsage } from '@berth/core';
import type { CostQueries } from '@berth/db';

/** What the comment shows: the total, and whether anything was measured yet. */
export interface PreviewCost {
  total: number;
  measured: boolean;
}

export function previewCost(
  queries: Pick<CostQueries, 'totals'>,
  prices: PriceTable,
): (environmentId: string) => Promise<PreviewCost> {
  return async (environmentId) => {
    const usage = (await queries.totals([environmentId])).get(environmentId);
    if (!usage) return { total: 0, measured: false };
    return {
      total: priceUsage(usage, prices).total,
      measured: usage.samples > 0 || usage.awakeSeconds > 0,
    };
  };
}
