import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api, unwrap } from '../api.js';
import { Link } from '../components/Link.js';
import { Status } from '../components/Status.js';
import { costSeries, dollars, topRepositories } from '../cost-series.js';
import { count, localTime } from '../format.js';

/** Repositories drawn as their own series; the rest are in the table below the chart. */
const CHART_REPOSITORIES = 8;
const RANGES = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
] as const;
/** Distinct at a glance and ≥ 3:1 against white (non-text contrast). */
const COLOURS = [
  '#0b57d0',
  '#b3261e',
  '#116329',
  '#7a4a00',
  '#6f42c1',
  '#0a6c74',
  '#9a3412',
  '#4a5460',
];

/** What previews cost, per repository and day, and the ones that ran but nobody opened. */
export function CostsPage() {
  const [days, setDays] = useState('30');
  const byRepository = useQuery({
    queryKey: ['costs', 'repository', days],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/costs', { params: { query: { by: 'repository', days } } })),
  });
  const rows = useMemo(
    () =>
      (byRepository.data?.rows ?? []).flatMap((row) =>
        'repository' in row && 'environments' in row ? [row] : [],
      ),
    [byRepository.data],
  );
  const charted = useMemo(() => topRepositories(rows, CHART_REPOSITORIES), [rows]);
  const perDay = useQueries({
    queries: charted.map((repository) => ({
      queryKey: ['costs', 'day', days, repository],
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/costs', { params: { query: { by: 'day', days, repository } } }),
        ),
    })),
  });
  const series = useMemo(
    () =>
      perDay.every((q) => q.data)
        ? costSeries(
            perDay.map((q, index) => ({
              repository: charted[index] ?? '',
              days: (q.data?.rows ?? []).flatMap((row) => ('day' in row ? [row] : [])),
            })),
          )
        : undefined,
    [perDay, charted],
  );
  const dayError = perDay.find((q) => q.isError)?.error;

  return (
    <section aria-labelledby="costs-title">
      <h1 id="costs-title">Costs</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="cost-range">Range</label>
          <select id="cost-range" value={days} onChange={(event) => setDays(event.target.value)}>
            {RANGES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <h2 id="chart-title">Cost per repository and day</h2>
      {byRepository.isPending ? (
        <Status kind="loading">Loading costs…</Status>
      ) : byRepository.isError ? (
        <Status kind="error">Could not load costs: {byRepository.error.message}</Status>
      ) : charted.length === 0 ? (
        <Status kind="empty">
          Nothing cost anything in this range yet. Usage is sampled while previews run.
        </Status>
      ) : dayError ? (
        <Status kind="error">Could not load the days: {dayError.message}</Status>
      ) : !series ? (
        <Status kind="loading">Loading the days…</Status>
      ) : (
        <figure className="chart" aria-labelledby="chart-title" data-testid="cost-chart">
          <ResponsiveContainer width="100%" height={320}>
            <BarChart data={series} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" tick={{ fontSize: 12 }} />
              <YAxis tickFormatter={dollars} width={64} tick={{ fontSize: 12 }} />
              <Tooltip formatter={(value) => dollars(Number(value))} />
              <Legend />
              {charted.map((repository, index) => (
                <Bar
                  key={repository}
                  dataKey={repository}
                  name={repository}
                  stackId="cost"
                  maxBarSize={56}
                  fill={COLOURS[index % COLOURS.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
          <figcaption className="muted">
            US dollars per UTC day at the control plane&apos;s prices; the table below has the
            totals.
          </figcaption>
        </figure>
      )}
      {rows.length > 0 ? (
        <>
          <h2 id="totals-title">Totals by repository</h2>
          <ul className="cards" aria-labelledby="totals-title">
            {rows.map((row) => (
              <li key={row.repository} className="card" data-repository={row.repository}>
                <div className="card-main">
                  <span>{row.repository}</span>
                  <span>{row.cost.formatted}</span>
                </div>
                <dl className="env-facts">
                  <div>
                    <dt>Previews</dt>
                    <dd>{row.environments}</dd>
                  </div>
                  <div>
                    <dt>Awake</dt>
                    <dd>{row.usage.awakeHours.toFixed(2)} h</dd>
                  </div>
                  <div>
                    <dt>CPU</dt>
                    <dd>{row.usage.cpuHours.toFixed(3)} h</dd>
                  </div>
                  <div>
                    <dt>Memory</dt>
                    <dd>{row.usage.memoryGbHours.toFixed(3)} GB·h</dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Unopened days={days} />
    </section>
  );
}

function Unopened({ days }: { days: string }) {
  const unopened = useQuery({
    queryKey: ['costs', 'unopened', days],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/costs/unopened', { params: { query: { days } } })),
  });
  return (
    <section aria-labelledby="unopened-title">
      <h2 id="unopened-title">Previews nobody opened</h2>
      {unopened.isPending ? (
        <Status kind="loading">Loading…</Status>
      ) : unopened.isError ? (
        <Status kind="error">Could not load them: {unopened.error.message}</Status>
      ) : unopened.data.previews.length === 0 ? (
        <Status kind="empty">Every preview in this range was opened at least once.</Status>
      ) : (
        <>
          <p>
            {count(unopened.data.previews.length, 'preview')} ran without a visit, costing{' '}
            <strong>{unopened.data.total.cost.formatted}</strong>.
          </p>
          <ul className="cards" aria-labelledby="unopened-title" data-testid="unopened">
            {unopened.data.previews.map((preview) => (
              <li key={preview.environmentId} className="card">
                <div className="card-main">
                  <Link to={{ page: 'environment', id: preview.environmentId }}>
                    {preview.repository} #{preview.pr}
                  </Link>
                  <span className={`badge badge-${preview.state}`}>{preview.state}</span>
                </div>
                <dl className="env-facts">
                  <div>
                    <dt>Created</dt>
                    <dd>{localTime(preview.createdAt)}</dd>
                  </div>
                  <div>
                    <dt>Awake</dt>
                    <dd>{preview.usage.awakeHours.toFixed(2)} h</dd>
                  </div>
                  <div>
                    <dt>Cost</dt>
                    <dd>{preview.cost.formatted}</dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
