// The cost chart's data (Costs page): one row per day, one number per repository, from one
// `GET /api/v1/costs?by=day&repository=…` answer per repository. Days a repository ran nothing
// are 0, so stacked bars line up; days run oldest first, as a time axis reads.

export interface RepositoryDays {
  repository: string;
  days: readonly { day: string; cost: { total: number } }[];
}

export type CostRow = { day: string } & Record<string, number | string>;

export function costSeries(perRepository: readonly RepositoryDays[]): CostRow[] {
  const days = new Set<string>();
  for (const repo of perRepository) for (const d of repo.days) days.add(d.day);
  return [...days].sort().map((day) => {
    const row: CostRow = { day };
    for (const repo of perRepository) {
      const found = repo.days.find((d) => d.day === day);
      row[repo.repository] = found ? found.cost.total : 0;
    }
    return row;
  });
}

/** The repositories worth a series: those that cost anything, most expensive first, at most `max`. */
export function topRepositories(
  rows: readonly { repository: string; cost: { total: number } }[],
  max: number,
): string[] {
  return [...rows]
    .filter((r) => r.cost.total > 0)
    .sort((a, b) => b.cost.total - a.cost.total || a.repository.localeCompare(b.repository))
    .slice(0, max)
    .map((r) => r.repository);
}

/** Dollars as the chart's axis and tooltip say them: small sums keep their significant digits. */
export function dollars(amount: number): string {
  if (amount === 0) return '$0';
  if (Math.abs(amount) >= 1) return `$${amount.toFixed(2)}`;
  // Number() drops toPrecision's trailing zeros: $0.00007, not $0.000070.
  return `$${Number(amount.toPrecision(2))}`;
}
