import { parseArgs } from 'node:util';
import { environmentTarget } from './env-command.js';
import { UsageError } from './repo-flags.js';
import type {
  Cost,
  CostQuery,
  CostReport,
  EnvironmentCostDays,
  Prices,
  RestClient,
  UnopenedCost,
  UnopenedCostQuery,
  Usage,
} from './rest-client.js';
import { resolveEnvironmentId } from './v1/environment-target.js';

// `berth cost` on the REST API v1 (`/api/v1/costs`, `/costs/unopened`,
// `/environments/:id/cost`, decision 0031): the shapes are the generated ones (rest-client.ts).
// The flags stay on node:util parseArgs: the specs pin their messages.

export const COST_USAGE = `  berth cost [--by environment|repository|day] [--repo <owner/name>]
             [--days <n> | --from <YYYY-MM-DD> [--to <YYYY-MM-DD>]] [--json]
                                            what previews used and cost (default: per
                                            preview, the last 30 days), at the api's prices
  berth cost <owner/name>#<pr> [--json]     one preview, day by day
  berth cost unopened [--repo <owner/name>] [--days <n>] [--json]
                                            previews that ran but nobody ever opened`;

const OPTIONS = {
  by: { type: 'string' },
  repo: { type: 'string' },
  days: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `berth cost`, `berth cost <owner/name>#<pr>`, `berth cost unopened` (decision 0025). */
export async function costCommand(
  args: readonly string[],
  client: () => RestClient,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const print = (view: unknown, human: () => string[]) => {
    if (values.json) out(JSON.stringify(view, null, 2));
    else for (const line of human()) out(line);
  };
  if (positionals[0] === 'unopened') {
    if (positionals.length > 1)
      throw new UsageError(`unexpected ${JSON.stringify(positionals[1])}`);
    refuse(values, ['by', 'from', 'to'], 'berth cost unopened');
    const report = await client().unopenedCosts(costQuery(values));
    print(report, () => describeUnopened(report));
    return 0;
  }
  if (positionals.length > 0) {
    const [repository, pr] = environmentTarget(positionals);
    refuse(values, ['by', 'repo', 'days', 'from', 'to'], 'berth cost <owner/name>#<pr>');
    const rest = client();
    const view = await rest.environmentCost(
      await resolveEnvironmentId(rest, `${repository}#${pr}`),
    );
    print(view, () => describePreview(view));
    return 0;
  }
  if (values.by !== undefined && !['environment', 'repository', 'day'].includes(values.by)) {
    throw new UsageError(
      `--by is environment, repository or day, got ${JSON.stringify(values.by)}`,
    );
  }
  const report = await client().costs({
    ...costQuery(values),
    ...(values.by ? { by: values.by as NonNullable<CostQuery['by']> } : {}),
  });
  print(report, () => describeReport(report));
  return 0;
}

function refuse(values: Record<string, unknown>, flags: string[], command: string): void {
  const given = flags.find((flag) => values[flag] !== undefined);
  if (given) throw new UsageError(`--${given} is not a flag of \`${command}\`\n\n${COST_USAGE}`);
}

/** The query the api takes: repository, then days or a from/to range. */
export function costQuery(values: {
  repo?: string | undefined;
  days?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): UnopenedCostQuery & Pick<CostQuery, 'from' | 'to'> {
  const query: UnopenedCostQuery & Pick<CostQuery, 'from' | 'to'> = {};
  if (values.repo !== undefined) {
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(values.repo)) {
      throw new UsageError(
        `--repo must be owner/name (e.g. acme/shop), got ${JSON.stringify(values.repo)}`,
      );
    }
    query['repository'] = values.repo;
  }
  if (values.days !== undefined) {
    if (values.from !== undefined) throw new UsageError('give --days or --from, not both');
    if (!/^[1-9]\d{0,2}$/.test(values.days)) {
      throw new UsageError(
        `--days must be a number of days, e.g. 7, got ${JSON.stringify(values.days)}`,
      );
    }
    query['days'] = values.days;
  }
  for (const key of ['from', 'to'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new UsageError(`--${key} must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    query[key] = value;
  }
  return query;
}

const num = (n: number, digits = 2) => n.toFixed(digits);

/** One line of usage: CPU hours, memory GB-hours, disk GB, network GB, and the cost. */
export function usageLine(usage: Usage, cost: Cost): string {
  return (
    `cpu ${num(usage.cpuHours)} h  mem ${num(usage.memoryGbHours)} GB-h  ` +
    `disk ${num(usage.diskGb)} GB  net ${num(usage.networkGb)} GB  ${cost.formatted}`
  );
}

function pricesLine(prices: Prices): string {
  return (
    `prices: $${prices.vcpuHour}/vCPU-h, $${prices.memoryGbHour}/GB-h, ` +
    `$${prices.diskGbMonth}/GB-month, $${prices.networkGb}/GB network`
  );
}

export function describeReport(report: CostReport): string[] {
  const lines = [
    `${report.from} to ${report.to}${report.repository ? `, ${report.repository}` : ''}, by ${report.by}`,
  ];
  if (report.rows.length === 0) lines.push('  nothing measured');
  for (const row of report.rows) {
    const name =
      'pr' in row
        ? `${row.repository}#${row.pr} (${row.state})`
        : 'day' in row
          ? `${row.day} (${row.environments} preview${row.environments === 1 ? '' : 's'})`
          : `${row.repository} (${row.environments} preview${row.environments === 1 ? '' : 's'})`;
    lines.push(`  ${name}  ${usageLine(row.usage, row.cost)}`);
  }
  lines.push(
    `total  ${usageLine(report.total.usage, report.total.cost)}`,
    pricesLine(report.prices),
  );
  return lines;
}

export function describePreview(view: EnvironmentCostDays): string[] {
  const lines = [
    `${view.repository}#${view.pr} (${view.state}): ${view.cost.formatted} so far`,
    `  opened: ${view.accessCount > 0 || view.lastAccessAt ? `${view.accessCount} requests, last ${view.lastAccessAt ?? 'unknown'}` : 'never'}`,
    `  awake ${num(view.usage.awakeHours)} h, ${view.usage.samples} samples`,
  ];
  for (const day of view.days) lines.push(`  ${day.day}  ${usageLine(day.usage, day.cost)}`);
  lines.push(`total  ${usageLine(view.usage, view.cost)}`, pricesLine(view.prices));
  return lines;
}

export function describeUnopened(report: UnopenedCost): string[] {
  const lines = [`previews created since ${report.since.slice(0, 10)} that ran and nobody opened:`];
  if (report.previews.length === 0) lines.push('  none');
  for (const row of report.previews) {
    lines.push(`  ${row.repository}#${row.pr} (${row.state})  ${usageLine(row.usage, row.cost)}`);
  }
  lines.push(`total  ${report.total.cost.formatted}`, pricesLine(report.prices));
  return lines;
}
